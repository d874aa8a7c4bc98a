package dev.tally.devserver;

/** The dev server could not be started or did not answer; the message says why and where. */
public final class DevServerException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public DevServerException(String message) {
    super(message);
  }

  public DevServerException(String message, Throwable cause) {
    super(message, cause);
  }
}
