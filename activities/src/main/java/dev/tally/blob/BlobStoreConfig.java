package dev.tally.blob;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * Which blob store conversations live in (SPEC §9), read once from the environment.
 *
 * <p>Credentials: with {@code AWS_ACCESS_KEY_ID} and {@code AWS_SECRET_ACCESS_KEY} in the
 * environment the store uses them (kept in {@code credentials}, which {@link #toString()} never
 * shows); otherwise the AWS SDK's standard chain (profile files, web identity, container and
 * instance roles) finds them.
 *
 * @param kind {@code fs} (one host) or {@code s3} (any number of hosts)
 * @param dir the directory of the {@code fs} store
 * @param bucket the bucket of the {@code s3} store
 * @param endpoint the S3 endpoint for MinIO, R2, Ceph and others; null for AWS itself
 * @param region the signing region
 * @param prefix key prefix inside the bucket, empty or ending in {@code /}
 * @param credentials the keys from the environment, or null for the SDK's standard chain
 */
public record BlobStoreConfig(
    String kind,
    Path dir,
    String bucket,
    URI endpoint,
    String region,
    String prefix,
    AwsCredentialsProvider credentials) {
  public static final String BLOB_STORE = "TALLY_BLOB_STORE";
  public static final String S3_BUCKET = "TALLY_S3_BUCKET";
  public static final String S3_ENDPOINT = "TALLY_S3_ENDPOINT";
  public static final String S3_REGION = "TALLY_S3_REGION";
  public static final String S3_PREFIX = "TALLY_S3_PREFIX";

  public static final String FS = "fs";
  public static final String S3 = "s3";

  /** The region S3-compatible servers accept when none is configured. */
  static final String DEFAULT_REGION = "us-east-1";

  public BlobStoreConfig {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(dir, "dir");
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(prefix, "prefix");
    if (S3.equals(kind)) {
      Objects.requireNonNull(bucket, "bucket");
    }
  }

  /** Whether workers on several hosts can share this store. */
  public boolean shared() {
    return S3.equals(kind);
  }

  /** The filesystem store in {@code dir}. */
  public static BlobStoreConfig filesystem(Path dir) {
    return new BlobStoreConfig(FS, dir, null, null, DEFAULT_REGION, "", null);
  }

  /**
   * Reads the store's settings.
   *
   * @param fsDir where the filesystem store lives (under the data directory)
   * @throws IllegalArgumentException naming every variable that is wrong, with what was expected
   */
  public static BlobStoreConfig fromEnv(Map<String, String> env, Path fsDir) {
    Objects.requireNonNull(env, "env");
    Objects.requireNonNull(fsDir, "fsDir");
    List<String> problems = new ArrayList<>();
    String kind = valueOr(env, BLOB_STORE, FS).toLowerCase(Locale.ROOT);
    if (!FS.equals(kind) && !S3.equals(kind)) {
      problems.add(BLOB_STORE + ": expected fs or s3, got '" + env.get(BLOB_STORE) + "'");
    }
    String bucket = valueOr(env, S3_BUCKET, null);
    URI endpoint = null;
    String region = valueOr(env, S3_REGION, valueOr(env, "AWS_REGION", DEFAULT_REGION));
    String prefix = valueOr(env, S3_PREFIX, "");
    if (S3.equals(kind)) {
      if (bucket == null) {
        problems.add(
            S3_BUCKET + ": expected a bucket name when " + BLOB_STORE + "=s3, got nothing");
      } else if (!bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
        problems.add(
            S3_BUCKET
                + ": expected 3-63 lowercase letters, digits, '.' or '-', got '"
                + bucket
                + "'");
      }
      String endpointText = valueOr(env, S3_ENDPOINT, null);
      if (endpointText != null) {
        try {
          endpoint = new URI(endpointText);
          if (!("http".equals(endpoint.getScheme()) || "https".equals(endpoint.getScheme()))
              || endpoint.getHost() == null) {
            problems.add(
                S3_ENDPOINT
                    + ": expected an http(s) URL such as http://minio:9000, got '"
                    + endpointText
                    + "'");
          }
        } catch (URISyntaxException e) {
          problems.add(
              S3_ENDPOINT
                  + ": expected an http(s) URL such as http://minio:9000, got '"
                  + endpointText
                  + "'");
        }
      }
      if (prefix.startsWith("/")) {
        problems.add(
            S3_PREFIX + ": expected a key prefix without a leading '/', got '" + prefix + "'");
      }
      if (!prefix.isEmpty() && !prefix.endsWith("/")) {
        prefix = prefix + "/";
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    return new BlobStoreConfig(
        kind, fsDir, bucket, endpoint, region, prefix, S3.equals(kind) ? keysOf(env) : null);
  }

  /**
   * Opens the configured store. An S3 store checks its bucket first, so a missing bucket or refused
   * credentials stop a worker at start-up with the reason rather than failing its first turn.
   *
   * @throws BlobStoreException when the bucket is missing or the credentials are refused
   */
  public ManagedBlobStore open() {
    if (FS.equals(kind)) {
      return new FilesystemBlobStore(dir);
    }
    S3BlobStore store =
        new S3BlobStore(
            S3BlobStore.client(
                endpoint,
                region,
                credentials == null ? DefaultCredentialsProvider.builder().build() : credentials),
            bucket,
            prefix);
    try {
      store.checkBucket();
    } catch (BlobStoreException e) {
      if (!e.kind().retryable()) {
        store.close();
        throw e;
      }
      // An outage at start-up is not a configuration error: turns retry through Temporal.
    }
    return store;
  }

  /** Keys from the environment when both halves are there, else null (the standard chain). */
  private static AwsCredentialsProvider keysOf(Map<String, String> env) {
    String id = env.get("AWS_ACCESS_KEY_ID");
    String secret = env.get("AWS_SECRET_ACCESS_KEY");
    if (id == null || id.isBlank() || secret == null || secret.isBlank()) {
      return null;
    }
    String token = env.get("AWS_SESSION_TOKEN");
    return StaticCredentialsProvider.create(
        token == null || token.isBlank()
            ? AwsBasicCredentials.create(id, secret)
            : AwsSessionCredentials.create(id, secret, token));
  }

  private static String valueOr(Map<String, String> env, String name, String fallback) {
    String v = env.get(name);
    return v == null || v.isBlank() ? fallback : v.strip();
  }

  @Override
  public String toString() {
    return FS.equals(kind)
        ? "fs " + dir
        : "s3 s3://" + bucket + "/" + prefix + (endpoint == null ? "" : " at " + endpoint);
  }
}
