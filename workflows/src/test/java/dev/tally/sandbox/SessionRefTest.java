package dev.tally.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SessionRefTest {
  @Test
  void format_withSandbox_isSandboxThenSession() {
    assertThat(new SessionRef("box-1", "dlg-coder-ab-v1").format())
        .isEqualTo("sandbox=box-1;session=dlg-coder-ab-v1");
  }

  @Test
  void format_withoutSandbox_isSessionOnly() {
    assertThat(new SessionRef(null, "s1").format()).isEqualTo("session=s1");
  }

  @Test
  void parse_ofFormat_roundTrips() {
    SessionRef bound =
        new SessionRef("local-dlg-coder-0123456789abcdef-v1", "dlg-coder-0123456789abcdef-v1");
    SessionRef unbound = new SessionRef(null, "s-2");

    assertThat(SessionRef.parse(bound.format())).isEqualTo(bound);
    assertThat(SessionRef.parse(unbound.format())).isEqualTo(unbound);
  }

  @Test
  void parse_keysInEitherOrder_givesTheSameRef() {
    assertThat(SessionRef.parse("session=s;sandbox=b")).isEqualTo(new SessionRef("b", "s"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "sandbox=b",
        "session=",
        "sandbox=;session=s",
        "session=s;session=t",
        "sandbox=b;sandbox=c;session=s",
        "box=b;session=s",
        "session=s;",
        "session",
        "session=a=b",
        "sandbox=b;;session=s",
        "session=   "
      })
  void parse_malformed_isRefusedNamingTheProblem(String text) {
    assertThatThrownBy(() -> SessionRef.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected");
  }

  @Test
  void parse_null_isRefused() {
    assertThatThrownBy(() -> SessionRef.parse(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("got null");
  }

  @Test
  void constructor_idWithSeparator_isRefused() {
    assertThatThrownBy(() -> new SessionRef("a;b", "s"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sandboxId")
        .hasMessageContaining("'a;b'");
    assertThatThrownBy(() -> new SessionRef(null, "x=y"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sessionId");
  }
}
