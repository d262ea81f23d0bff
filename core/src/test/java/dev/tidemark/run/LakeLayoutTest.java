package dev.tidemark.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tidemark.TestSpark;
import dev.tidemark.config.ConfigKeys;
import dev.tidemark.config.ConfigLoader;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The bookkeeping paths, pinned: lakes written by earlier versions hold their locks, journals,
 * bookmarks and manifest there, so a change here is a migration, not a refactoring.
 */
class LakeLayoutTest {
  @Test
  void everyBookkeepingPathLiesBelowTheLakesTidemarkFolder() {
    LakeLayout layout =
        LakeLayout.of(
            ConfigLoader.load(
                TestSpark.projectDir().resolve("conf/local.conf"),
                Map.of(ConfigKeys.LAKE, "s3a://bucket/lake")));

    assertEquals(
        List.of(
            "s3a://bucket/lake/_tidemark/locks/stream/cards",
            "s3a://bucket/lake/_tidemark/locks/cards.backfill",
            "s3a://bucket/lake/_tidemark/locks/bronze/txns.ingest",
            "s3a://bucket/lake/_tidemark/backfills/cards/0-3600000-whole",
            "s3a://bucket/lake/_tidemark/repairs/cards/bookmark",
            "s3a://bucket/lake/_tidemark/repairs/cards/plan",
            "s3a://bucket/lake/_tidemark/repairs/cards/journal",
            "s3a://bucket/lake/_tidemark/pipelines",
            "s3a://bucket/lake/_tidemark/pipelines.json"),
        List.of(
                layout.streamLock("cards"),
                layout.rewriteLock("cards"),
                layout.bronzeLock("txns"),
                layout.backfillJournal("cards", "0-3600000-whole"),
                layout.repairBookmark("cards"),
                layout.repairPlan("cards"),
                layout.repairJournal("cards"),
                layout.manifestFolder(),
                layout.legacyManifest())
            .stream()
            .map(Object::toString)
            .toList());
  }
}
