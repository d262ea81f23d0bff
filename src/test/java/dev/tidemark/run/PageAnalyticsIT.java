package dev.tidemark.run;

import static org.junit.jupiter.api.Assertions.assertTrue;

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
    assertTrue(streamTable().where("unique_users > views * 1.1 + 1").isEmpty());
    assertTrue(streamTable().where("unique_users < 1").isEmpty());
  }
}
