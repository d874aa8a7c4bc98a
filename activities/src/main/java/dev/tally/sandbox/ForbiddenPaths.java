package dev.tally.sandbox;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;

/**
 * Matches repository paths against forbidden entries. An entry is a path prefix ({@code .github/},
 * {@code secrets}, {@code db/schema.sql}) unless it holds a glob character ({@code * ? [ {}), in
 * which case it is a glob over the whole path, and a glob without {@code /} also matches a file
 * name anywhere ({@code *.pem}).
 */
final class ForbiddenPaths {
  private ForbiddenPaths() {}

  /** The first entry {@code path} falls under, or null. */
  static String match(String path, List<String> entries) {
    for (String raw : entries) {
      String entry = normalise(raw);
      if (entry.isEmpty()) {
        continue;
      }
      if (entry.matches(".*[*?\\[{].*")) {
        PathMatcher glob = FileSystems.getDefault().getPathMatcher("glob:" + entry);
        Path p = Path.of(path);
        if (glob.matches(p)
            || (!entry.contains("/") && p.getFileName() != null && glob.matches(p.getFileName()))) {
          return raw;
        }
      } else if (path.equals(entry) || path.startsWith(entry + "/")) {
        return raw;
      }
    }
    return null;
  }

  private static String normalise(String entry) {
    String e = entry.strip();
    while (e.startsWith("./")) {
      e = e.substring(2);
    }
    while (e.startsWith("/")) {
      e = e.substring(1);
    }
    while (e.endsWith("/")) {
      e = e.substring(0, e.length() - 1);
    }
    return e;
  }
}
