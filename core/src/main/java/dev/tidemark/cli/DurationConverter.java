package dev.tidemark.cli;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads durations the way the configuration files do: "1 hour", "90 minutes", "30s". */
final class DurationConverter implements ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    try {
      return ConfigFactory.parseString("d = \"" + value + "\"").getDuration("d");
    } catch (ConfigException e) {
      throw new TypeConversionException(
          "'" + value + "' is not a duration; use e.g. '1 hour' or '30 minutes'");
    }
  }
}
