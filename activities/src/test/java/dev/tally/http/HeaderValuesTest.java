package dev.tally.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HeaderValuesTest {
  @Test
  void idempotencyKey_printableAscii_sentAsItIs() {
    assertThat(HeaderValues.idempotencyKey("run-a/0f3c/7")).isEqualTo("run-a/0f3c/7");
  }

  @Test
  void idempotencyKey_nonAsciiSpaceOrControl_sentAsTheSha256OfItsUtf8Bytes() {
    String umlaut = HeaderValues.idempotencyKey("run-ümlaut-日本/r/7");

    // sha256 of "run-ümlaut-日本/r/7" as UTF-8, computed independently with sha256sum.
    assertThat(umlaut)
        .isEqualTo("sha256:8b3e19d1786f77d6f839b7a2de12f19ebc93b403305754716db45cb1e139f624");
    assertThat(HeaderValues.idempotencyKey("run-ümlaut-日本/r/7")).isEqualTo(umlaut);
    assertThat(HeaderValues.idempotencyKey("run-ümlaut-日本/r/8")).isNotEqualTo(umlaut);
    assertThat(HeaderValues.idempotencyKey("run a/r/7")).startsWith("sha256:");
    assertThat(HeaderValues.idempotencyKey("run\u0007/r/7")).startsWith("sha256:");
    assertThat(HeaderValues.idempotencyKey("r".repeat(201))).startsWith("sha256:");
  }
}
