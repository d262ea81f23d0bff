package dev.tidemark.run;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Fraud detection: card velocity over sliding 10-minute windows, evaluated every minute. */
class CardVelocityIT extends SamplePipelineContract {
  @Override
  String pipelineName() {
    return "card-velocity";
  }

  @Override
  String countColumn() {
    return "txn_count";
  }

  @Test
  void hotCardsAreFlagged() {
    long flagged = streamTable().where("flagged").count();
    long quiet = streamTable().where("NOT flagged").count();
    assertTrue(flagged > 0 && quiet > 0, "flagged " + flagged + ", not flagged " + quiet);
    assertTrue(
        streamTable()
            .where("flagged AND txn_count < 12 AND total_amount < 1500 AND distinct_countries < 4")
            .isEmpty(),
        "a flag always has a reason");
  }
}
