package dev.tally.testkit;

import dev.tally.blob.S3BlobStore;
import java.net.URI;
import java.util.Map;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A real S3 API on loopback: S3Proxy over an in-memory jclouds store, in this JVM, with AWS v4
 * signatures checked. Tests (and worker processes they start) talk to it exactly as they would to
 * MinIO or AWS: only the endpoint differs.
 */
public final class S3ProxyServer implements AutoCloseable {
  public static final String ACCESS_KEY = "tally-test-access";
  public static final String SECRET_KEY = "tally-test-secret-not-a-real-key";

  private final S3Proxy proxy;
  private final BlobStoreContext context;

  private S3ProxyServer(S3Proxy proxy, BlobStoreContext context) {
    this.proxy = proxy;
    this.context = context;
  }

  /** Starts a server on a free loopback port. */
  public static S3ProxyServer start() throws Exception {
    Properties p = new Properties();
    BlobStoreContext context =
        ContextBuilder.newBuilder("transient")
            .credentials("identity", "credential")
            .overrides(p)
            .build(BlobStoreContext.class);
    S3Proxy proxy =
        S3Proxy.builder()
            .blobStore(context.getBlobStore())
            .endpoint(URI.create("http://127.0.0.1:0"))
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
            .build();
    proxy.start();
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!"STARTED".equals(proxy.getState())) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("S3Proxy did not start within 30 s: " + proxy.getState());
      }
      Thread.sleep(10);
    }
    return new S3ProxyServer(proxy, context);
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + proxy.getPort());
  }

  /** A client with the server's keys. */
  public S3Client client() {
    return client(ACCESS_KEY, SECRET_KEY);
  }

  /** A client with other keys (to see access refused). */
  public S3Client client(String accessKey, String secretKey) {
    return S3BlobStore.client(
        endpoint(),
        "us-east-1",
        StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)));
  }

  /** Creates {@code bucket}. */
  public void createBucket(String bucket) {
    try (S3Client s3 = client()) {
      s3.createBucket(r -> r.bucket(bucket));
    }
  }

  /** The environment a worker needs to use {@code bucket} on this server. */
  public Map<String, String> workerEnv(String bucket, String prefix) {
    return Map.of(
        "TALLY_BLOB_STORE", "s3",
        "TALLY_S3_BUCKET", bucket,
        "TALLY_S3_ENDPOINT", endpoint().toString(),
        "TALLY_S3_REGION", "us-east-1",
        "TALLY_S3_PREFIX", prefix,
        "AWS_ACCESS_KEY_ID", ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY", SECRET_KEY);
  }

  @Override
  public void close() {
    try {
      proxy.stop();
    } catch (Exception e) {
      throw new IllegalStateException("S3Proxy did not stop: " + e.getMessage(), e);
    } finally {
      context.close();
    }
  }
}
