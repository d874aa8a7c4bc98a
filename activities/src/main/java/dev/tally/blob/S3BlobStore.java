package dev.tally.blob;

import dev.tally.json.Json;
import java.net.URI;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A blob store in an S3-compatible bucket (AWS S3, MinIO, R2, Ceph), shared by workers on any
 * number of hosts.
 *
 * <p>A blob lives at {@code <prefix>blobs/<64 hex>}. Content addressing makes every write
 * idempotent, so two workers putting the same blob at once both succeed and nothing needs a
 * conditional write. The SDK's own retries are off: a failed call surfaces at once as a typed
 * {@link BlobStoreException}, and only Temporal retries the activity around it, so a retry is
 * visible in history and bounded by the activity's policy.
 */
public final class S3BlobStore implements ManagedBlobStore {
  private final S3Client s3;
  private final String bucket;
  private final String prefix;

  /**
   * A store over {@code s3}, which this store owns and closes.
   *
   * @param prefix key prefix, empty or ending in {@code /}
   */
  public S3BlobStore(S3Client s3, String bucket, String prefix) {
    this.s3 = Objects.requireNonNull(s3, "s3");
    this.bucket = Objects.requireNonNull(bucket, "bucket");
    this.prefix = Objects.requireNonNull(prefix, "prefix");
  }

  /**
   * The S3 client for one bucket: path-style addressing when an endpoint is given (MinIO and most
   * other S3-compatible servers need it), no SDK retries, and checksums only where S3 requires
   * them, since several S3-compatible servers reject the SDK's newer default trailing checksums and
   * every blob is verified against its SHA-256 on read anyway.
   */
  public static S3Client client(URI endpoint, String region, AwsCredentialsProvider credentials) {
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(credentials, "credentials");
    var b =
        S3Client.builder()
            .httpClientBuilder(UrlConnectionHttpClient.builder())
            .region(Region.of(region))
            .credentialsProvider(credentials)
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
            .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()));
    if (endpoint != null) {
      b.endpointOverride(endpoint).forcePathStyle(true);
    }
    return b.build();
  }

  @Override
  public String put(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    String ref = Json.sha256Ref(bytes);
    String key = keyOf(BlobRef.hex(ref));
    call(
        "put",
        key,
        () ->
            s3.putObject(
                r -> r.bucket(bucket).key(key).contentType("application/octet-stream"),
                RequestBody.fromBytes(bytes)));
    return ref;
  }

  @Override
  public Optional<byte[]> get(String ref) {
    String key = keyOf(BlobRef.hex(ref));
    ResponseBytes<GetObjectResponse> response;
    try {
      response = call("get", key, () -> s3.getObjectAsBytes(r -> r.bucket(bucket).key(key)));
    } catch (MissingObject e) {
      return Optional.empty();
    }
    byte[] bytes = response.asByteArray();
    // As in the filesystem store: a corrupt blob handed on would surface much later as nonsense.
    String actual = Json.sha256Ref(bytes);
    if (!actual.equals(ref)) {
      throw new IllegalStateException(
          describe() + ": " + key + " should hash to " + ref + " but hashes to " + actual);
    }
    return Optional.of(bytes);
  }

  @Override
  public void forEachBlob(Consumer<StoredBlob> each) {
    Objects.requireNonNull(each, "each");
    String under = prefix + "blobs/";
    ListObjectsV2Request request =
        ListObjectsV2Request.builder().bucket(bucket).prefix(under).build();
    call(
        "list",
        under,
        () -> {
          for (S3Object o : s3.listObjectsV2Paginator(request).contents()) {
            String hex = o.key().substring(under.length());
            if (hex.matches("[0-9a-f]{64}")) {
              each.accept(new StoredBlob("sha256:" + hex, o.size(), o.lastModified()));
            }
          }
          return null;
        });
  }

  @Override
  public void delete(String ref) {
    String key = keyOf(BlobRef.hex(ref));
    try {
      call("delete", key, () -> s3.deleteObject(r -> r.bucket(bucket).key(key)));
    } catch (MissingObject e) {
      // Already gone: the outcome a delete asks for.
    }
  }

  /**
   * Checks that the bucket exists and these credentials may use it, so a misconfigured worker says
   * so at start-up instead of on its first model call.
   */
  public void checkBucket() {
    call("check", "", () -> s3.headBucket(r -> r.bucket(bucket)));
  }

  @Override
  public String describe() {
    return "s3://" + bucket + "/" + prefix;
  }

  @Override
  public void close() {
    s3.close();
  }

  private String keyOf(String hex) {
    return prefix + "blobs/" + hex;
  }

  /** Thrown inside this class only, for a 404 on a key (which {@link #get} answers empty). */
  private static final class MissingObject extends RuntimeException {
    private static final long serialVersionUID = 1L;

    MissingObject() {
      super(null, null, false, false);
    }
  }

  private <T> T call(String operation, String key, Supplier<T> request) {
    try {
      return request.get();
    } catch (S3Exception e) {
      throw translate(operation, key, e);
    } catch (SdkClientException e) {
      // A server may answer a write to a missing bucket before it has read the body and close the
      // connection, which the client sees as an I/O error: ask the bucket, so that a missing one is
      // reported as the permanent failure it is rather than retried as an outage.
      if (!"check".equals(operation)) {
        try {
          checkBucket();
        } catch (BlobStoreException probe) {
          if (probe.kind() == BlobStoreException.Kind.BUCKET_MISSING
              || probe.kind() == BlobStoreException.Kind.ACCESS_DENIED) {
            throw probe;
          }
        }
      }
      throw new BlobStoreException(
          BlobStoreException.Kind.UNAVAILABLE,
          where(operation, key) + ": the store could not be reached: " + e.getMessage(),
          e);
    }
  }

  private RuntimeException translate(String operation, String key, S3Exception e) {
    String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
    int status = e.statusCode();
    String detail =
        " (HTTP "
            + status
            + (code == null ? "" : ", " + code)
            + (e.requestId() == null ? "" : ", request id " + e.requestId())
            + ")";
    if ("NoSuchBucket".equals(code) || (status == 404 && "check".equals(operation))) {
      return new BlobStoreException(
          BlobStoreException.Kind.BUCKET_MISSING,
          where(operation, key)
              + ": bucket '"
              + bucket
              + "' does not exist; create it (compose does) or set TALLY_S3_BUCKET"
              + detail,
          e);
    }
    if (status == 404 && ("get".equals(operation) || "delete".equals(operation))) {
      return new MissingObject();
    }
    if (status == 403
        || "AccessDenied".equals(code)
        || "InvalidAccessKeyId".equals(code)
        || "SignatureDoesNotMatch".equals(code)) {
      return new BlobStoreException(
          BlobStoreException.Kind.ACCESS_DENIED,
          where(operation, key)
              + ": access denied; check the worker's AWS credentials and the bucket policy"
              + detail,
          e);
    }
    if (status >= 500 || status == 408 || status == 429 || status == 0) {
      return new BlobStoreException(
          BlobStoreException.Kind.UNAVAILABLE,
          where(operation, key) + ": the store is unavailable" + detail,
          e);
    }
    return new BlobStoreException(
        BlobStoreException.Kind.REJECTED,
        where(operation, key) + ": the store refused the request" + detail,
        e);
  }

  private String where(String operation, String key) {
    return "blob store s3://" + bucket + "/" + key + ": " + operation;
  }
}
