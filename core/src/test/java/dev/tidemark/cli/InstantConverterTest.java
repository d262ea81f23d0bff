package dev.tidemark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class InstantConverterTest {
  private final InstantConverter converter = new InstantConverter();
  private static final Instant TEN = Instant.parse("2026-11-25T10:00:00Z");

  @Test
  void givenEveryDocumentedFormThenTheSameUtcInstant() {
    assertEquals(TEN, converter.convert("2026-11-25T10:00:00Z"));
    assertEquals(TEN, converter.convert("2026-11-25T10:00Z"));
    assertEquals(TEN, converter.convert("2026-11-25T11:00+01:00"));
    assertEquals(TEN, converter.convert("2026-11-25T10:00"));
    assertEquals(Instant.parse("2026-11-25T00:00:00Z"), converter.convert("2026-11-25"));
  }

  @Test
  void givenNoTimeThenTheMessageShowsTheFormsThatWork() {
    TypeConversionException e =
        assertThrows(TypeConversionException.class, () -> converter.convert("yesterday"));
    assertTrue(e.getMessage().contains("2026-11-25T10:00:00Z"), e.getMessage());
  }
}
