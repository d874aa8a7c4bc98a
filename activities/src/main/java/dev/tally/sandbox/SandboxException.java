package dev.tally.sandbox;

/**
 * A sandbox provider's refusal or failure, with the failure type the activity reports; the types in
 * {@link SandboxFailures#NON_RETRYABLE} are permanent.
 */
public final class SandboxException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String type;

  public SandboxException(String type, String message) {
    super(message);
    this.type = type;
  }

  public SandboxException(String type, String message, Throwable cause) {
    super(message, cause);
    this.type = type;
  }

  /** The failure type name, e.g. {@code SandboxNotConfigured}. */
  public String type() {
    return type;
  }

  /** Whether retrying cannot help. */
  public boolean permanent() {
    return SandboxFailures.NON_RETRYABLE.contains(type);
  }
}
