package dev.tally.blob;

import java.util.Objects;

/**
 * A blob store failed in a way its caller must tell apart: a missing bucket and refused credentials
 * are permanent (retrying cannot fix them), an unreachable store is not. A missing object is not an
 * exception at all: {@link BlobStore#get} answers empty.
 */
public final class BlobStoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What went wrong, as far as a caller deciding whether to retry needs to know. */
  public enum Kind {
    /** The credentials were refused for this bucket or object (403). */
    ACCESS_DENIED(false),
    /** The bucket does not exist. */
    BUCKET_MISSING(false),
    /** Another permanent refusal (a 4xx answer). */
    REJECTED(false),
    /** The store could not be reached, timed out, or answered 5xx. */
    UNAVAILABLE(true);

    private final boolean retryable;

    Kind(boolean retryable) {
      this.retryable = retryable;
    }

    /** Whether trying the same request again later can succeed. */
    public boolean retryable() {
      return retryable;
    }
  }

  private final Kind kind;

  public BlobStoreException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = Objects.requireNonNull(kind, "kind");
  }

  public Kind kind() {
    return kind;
  }
}
