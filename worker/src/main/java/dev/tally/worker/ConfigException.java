package dev.tally.worker;

/**
 * A configuration value is missing or malformed. The message is one line that names the variable,
 * what was expected and what arrived, so an operator can fix it without reading code.
 */
public final class ConfigException extends IllegalArgumentException {
  public ConfigException(String message) {
    super(message);
  }
}
