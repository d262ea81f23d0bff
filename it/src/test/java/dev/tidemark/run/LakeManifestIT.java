package dev.tidemark.run;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tidemark.PipelineFixture;
import dev.tidemark.TestS3;
import dev.tidemark.config.ConfigKeys;
import dev.tidemark.config.ConfigLoader;
import dev.tidemark.config.TidemarkConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link LakeManifestTest}'s checks with the lake on s3a:// (S3Proxy), where a file is replaced by
 * one PUT of the whole object instead of a rename: {@value LakeManifestTest#WRITERS} pipelines
 * recording at the same instant are all listed, an unchanged pipeline is not written again, and the
 * old single file is still read.
 */
class LakeManifestIT {
  @TempDir Path dir;

  @Test
  void eightPipelinesRecordingAtTheSameInstantOnS3AreAllListed() throws Exception {
    LakeManifestTest.assertConcurrentRecordsAllListed(s3Lake("manifest-race"));
  }

  @Test
  void aSecondRecordOfAnUnchangedPipelineOnS3WritesNothing() throws Exception {
    LakeManifestTest.assertUnchangedRecordWritesNothing(s3Lake("manifest-unchanged"));
  }

  @Test
  void theOldSingleFileManifestOnS3IsStillRead() throws Exception {
    LakeManifestTest.assertOldSingleFileRead(s3Lake("manifest-old"));
  }

  private TidemarkConfig s3Lake(String name) {
    Map<String, String> overrides = new HashMap<>(TestS3.sparkSettings());
    String lake = TestS3.freshPrefix(name);
    assertTrue(lake.startsWith("s3a://"), lake);
    overrides.put(ConfigKeys.LAKE, lake);
    return ConfigLoader.load(new PipelineFixture(dir).write(), overrides);
  }
}
