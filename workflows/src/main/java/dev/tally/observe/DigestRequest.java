package dev.tally.observe;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * Input of the {@code digest} update: write a digest now.
 *
 * @param diagnose whether to ask the observer's model (when it has one); null means yes
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DigestRequest(Boolean diagnose) {
  public boolean diagnoseOrDefault() {
    return diagnose == null || diagnose;
  }
}
