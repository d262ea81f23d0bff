package dev.tidemark.cli;

import dev.tidemark.source.ReplaySource;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads {@code --source bronze|kafka}. */
final class ReplaySourceConverter implements ITypeConverter<ReplaySource> {
  @Override
  public ReplaySource convert(String value) {
    try {
      return ReplaySource.valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(
          "'" + value + "' is not a source; use bronze, kafka or upstream");
    }
  }
}
