package dev.tidemark.cli;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads 2026-11-25T10:00:00Z, 2026-11-25T10:00Z, 2026-11-25T11:00+01:00, 2026-11-25T10:00 (UTC) or
 * 2026-11-25 (UTC midnight).
 */
final class InstantConverter implements ITypeConverter<Instant> {
  @Override
  public Instant convert(String value) {
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException ignored) {
      // fall through: without seconds, or with an offset other than Z
    }
    try {
      return java.time.OffsetDateTime.parse(value).toInstant();
    } catch (DateTimeParseException ignored) {
      // fall through to the local forms, read as UTC
    }
    try {
      return LocalDateTime.parse(value).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException ignored) {
      // fall through
    }
    try {
      return LocalDate.parse(value).atStartOfDay().toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      throw new TypeConversionException(
          "'"
              + value
              + "' is not a time; use 2026-11-25T10:00:00Z, 2026-11-25T10:00 or 2026-11-25 (UTC)");
    }
  }
}
