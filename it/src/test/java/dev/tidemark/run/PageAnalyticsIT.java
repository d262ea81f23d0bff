package dev.tidemark.run;

import static dev.tidemark.TestSpark.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Product analytics: views and approximate unique users per page and 5 minutes. */
class PageAnalyticsIT extends SamplePipelineContract {
  @Override
  String pipelineName() {
    return "page-analytics";
  }

  @Override
  String countColumn() {
    return "views";
  }

  @Test
  void uniqueUsersNeverExceedViewsByMoreThanTheSketchError() {
    assertTrue(streamTable().count() > 0, "the stream wrote windows");
    // coalesce: a NULL count is a violation, not a pass.
    assertEquals(
        List.of(),
        rows(
            streamTable()
                .where(
                    "NOT coalesce(unique_users >= 1 AND unique_users <= views * 1.1 + 1, false)")));
  }
}
