package dev.tally.http;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * The checks every configured HTTP endpoint gets (router, eval ingest, OTLP): http or https, a
 * host, and no credentials in the URL, which must come from their own variable instead.
 */
public final class HttpUrls {
  private HttpUrls() {}

  /**
   * Why {@code url} is not a usable endpoint, or null when it is.
   *
   * @param credentialsVariable where credentials belong instead of the URL's user info
   */
  public static String problem(String url, String credentialsVariable) {
    try {
      URI uri = new URI(url);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https")) {
        return "the scheme must be http or https";
      }
      if (uri.getHost() == null) {
        return "there is no host";
      }
      if (uri.getUserInfo() != null) {
        return "credentials belong in " + credentialsVariable + ", not in the URL";
      }
      return null;
    } catch (URISyntaxException e) {
      return "it is not a URL (" + e.getReason() + ")";
    }
  }

  /** As {@link #problem}, and a base URL, to which paths are appended, has no query or fragment. */
  public static String baseProblem(String url, String credentialsVariable) {
    String problem = problem(url, credentialsVariable);
    if (problem != null) {
      return problem;
    }
    URI uri = URI.create(url);
    return uri.getQuery() != null || uri.getFragment() != null
        ? "a base URL has no query or fragment"
        : null;
  }

  /** {@code url} without trailing slashes, so {@code base + "/path"} has exactly one. */
  public static String withoutTrailingSlashes(String url) {
    String out = url;
    while (out.endsWith("/")) {
      out = out.substring(0, out.length() - 1);
    }
    return out;
  }

  /** {@code url} with its user info masked: the one part of a URL that may hold a secret. */
  public static String redacted(String url) {
    return url.replaceFirst("//[^/@]*@", "//***@");
  }
}
