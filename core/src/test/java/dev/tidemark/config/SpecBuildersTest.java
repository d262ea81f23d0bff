package dev.tidemark.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tidemark.TestSpark;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The builders of the specs: defaults, copies that change one field, and what build() refuses. */
class SpecBuildersTest {
  private final PipelineSpec cards =
      TestSpark.localConfig().pipeline("card-velocity").orElseThrow();

  @Test
  void aCopyThroughTheBuilderEqualsTheOriginalAndAWithChangesOnlyItsField() {
    assertEquals(cards, cards.toBuilder().build());
    assertEquals(cards.source(), cards.source().toBuilder().build());

    PipelineSpec renamed = cards.toBuilder().name("cards-2").build();
    assertEquals("cards-2", renamed.name());
    assertEquals(cards, renamed.toBuilder().name("card-velocity").build());
    assertEquals(List.of("other"), cards.source().withTopics(List.of("other")).topics());
  }

  @Test
  void aBuiltSourceHasTheDocumentedDefaults() {
    SourceSpec s =
        SourceSpec.builder()
            .topics(List.of("t"))
            .format("json")
            .schemaDdl("id STRING, ts TIMESTAMP")
            .eventTimeColumn("ts")
            .watermarkDelay(Duration.ofMinutes(1))
            .build();

    assertEquals(
        new SourceSpec(
            List.of("t"),
            "json",
            "id STRING, ts TIMESTAMP",
            "ts",
            Duration.ofMinutes(1),
            java.util.Map.of(),
            SourceSpec.DEFAULT_MAX_EVENT_TIME_AHEAD,
            null,
            null,
            null),
        s);
  }

  @Test
  void buildRefusesAPipelineWithoutASinkAndASourceReadingTwoPlaces() {
    IllegalStateException noSink =
        assertThrows(IllegalStateException.class, () -> cards.toBuilder().sink(null).build());
    assertEquals("pipeline 'card-velocity' has no sink", noSink.getMessage());

    IllegalStateException twoPlaces =
        assertThrows(
            IllegalStateException.class,
            () -> cards.source().toBuilder().topicPattern("card-.*").build());
    assertEquals(
        "a source reads topics, a topic pattern or a pipeline, not 2 of them: topics"
            + " [card-transactions], pattern card-.*, pipeline null",
        twoPlaces.getMessage());
  }
}
