package dev.tally.blob;

import java.util.regex.Pattern;

/** Checks and takes apart the content addresses a {@link BlobStore} hands out. */
public final class BlobRef {
  /** The only accepted form: lowercase hex, as {@code dev.tally.json.Json#sha256Ref} writes it. */
  private static final Pattern SHA256_REF = Pattern.compile("sha256:[0-9a-f]{64}");

  private BlobRef() {}

  /**
   * The 64 hex digits of a reference.
   *
   * @throws IllegalArgumentException when {@code ref} is not {@code sha256:<64 lowercase hex>};
   *     this also keeps path separators and {@code ..} out of any store that maps refs to paths
   */
  public static String hex(String ref) {
    if (ref == null || !SHA256_REF.matcher(ref).matches()) {
      throw new IllegalArgumentException(
          "blob ref: expected \"sha256:\" followed by 64 lowercase hex digits, got "
              + describe(ref));
    }
    return ref.substring("sha256:".length());
  }

  private static String describe(String ref) {
    if (ref == null) {
      return "null";
    }
    // A bad ref may be anything a caller passed in; show enough to recognise it, not all of it.
    String shown = ref.length() > 80 ? ref.substring(0, 80) + "..." : ref;
    return "\"" + shown + "\" (" + ref.length() + " chars)";
  }
}
