package dev.tidemark.run;

import static dev.tidemark.TestSpark.rows;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.window;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
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

  /**
   * Worked out from the events sent, apart from the pipeline: per page and 5 minutes, the exact
   * views and distinct users. The table holds exactly those pages, windows and views, and each
   * approximate unique-user count is within three of the sketch's relative standard deviations
   * (5%), plus one, of the exact count.
   */
  @Test
  void viewsAreExactAndUniqueUsersWithinTheSketchErrorOfEachPageAndWindow() {
    Dataset<Row> exact =
        sentOnTimeEvents()
            .groupBy(col("page"), window(col("event_time"), "5 minutes").getField("start"))
            .agg(count(lit(1)).as("views"), countDistinct("user_id").as("users"))
            .toDF("page", "window_start", "views", "users");
    List<String> expected = rows(exact.select("page", "window_start", "views"));
    assertTrue(expected.size() > 1, "the events sent fall in several pages and windows");
    assertEquals(expected, rows(streamTable().select("page", "window_start", "views")));
    assertEquals(
        List.of(),
        rows(
            streamTable()
                .join(exact, new String[] {"page", "window_start"})
                .where("NOT abs(unique_users - users) <= users * 0.15 + 1")
                .select("page", "window_start", "unique_users", "users")));
  }
}
