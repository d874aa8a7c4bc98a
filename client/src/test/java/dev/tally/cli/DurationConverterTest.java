package dev.tally.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class DurationConverterTest {
  private final DurationConverter converter = new DurationConverter();

  @Test
  void convert_shortAndIsoForms() {
    assertThat(converter.convert("1500ms")).isEqualTo(Duration.ofMillis(1500));
    assertThat(converter.convert("90s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(converter.convert("10m")).isEqualTo(Duration.ofMinutes(10));
    assertThat(converter.convert("2h")).isEqualTo(Duration.ofHours(2));
    assertThat(converter.convert("PT5M")).isEqualTo(Duration.ofMinutes(5));
    assertThat(converter.convert("pt5m")).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void convert_nonsenseOrZero_refusedWithExample() {
    assertThatThrownBy(() -> converter.convert("soon"))
        .isInstanceOf(TypeConversionException.class)
        .hasMessageContaining("90s")
        .hasMessageContaining("'soon'");
    assertThatThrownBy(() -> converter.convert("0s")).hasMessageContaining("positive");
  }
}
