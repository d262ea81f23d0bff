package dev.tidemark.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tidemark.TestS3;
import io.delta.storage.CloseableIterator;
import io.delta.storage.LogStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.s3a.S3AFileSystem;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The LogStore's contract against a real S3-compatible server (S3Proxy 4.1.0 on loopback): a commit
 * file is created once, a second create of the same version fails with FileAlreadyExistsException
 * and leaves the first untouched, and of many writers racing for one version exactly one wins.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class S3ConditionalPutLogStoreIT {
  Configuration hadoop;
  S3AFileSystem fs;

  @BeforeAll
  void givenS3aPointedAtTheTestServer() throws IOException {
    hadoop = new Configuration();
    TestS3.configure(hadoop);
    fs = (S3AFileSystem) new Path(TestS3.freshPrefix("logstore")).getFileSystem(hadoop);
  }

  private Path logDir(String name) {
    return new Path(TestS3.freshPrefix(name) + "/_delta_log");
  }

  private static Path version(Path logDir, long v) {
    return new Path(logDir, String.format("%020d.json", v));
  }

  private List<String> read(LogStore store, Path path) throws IOException {
    List<String> lines = new ArrayList<>();
    try (CloseableIterator<String> it = store.read(path, hadoop)) {
      it.forEachRemaining(lines::add);
    }
    return lines;
  }

  @Test
  void theServerRefusesASecondPutIfNoneMatchOfTheSameKeyWith412() throws IOException {
    String key = fs.pathToKey(new Path(TestS3.freshPrefix("raw"), "object"));
    S3Client client = fs.getS3AInternals().getAmazonS3Client("test");
    PutObjectRequest putIfAbsent =
        PutObjectRequest.builder().bucket(TestS3.BUCKET).key(key).ifNoneMatch("*").build();

    client.putObject(putIfAbsent, RequestBody.fromString("first"));
    S3Exception refused =
        assertThrows(
            S3Exception.class,
            () -> client.putObject(putIfAbsent, RequestBody.fromString("second")));

    assertEquals(412, refused.statusCode());
    assertEquals("PreconditionFailed", refused.awsErrorDetails().errorCode());
    assertEquals(
        "first",
        client
            .getObjectAsBytes(b -> b.bucket(TestS3.BUCKET).key(key))
            .asString(StandardCharsets.UTF_8));
  }

  @Test
  void aSecondWriteOfTheSameVersionFailsWithFileAlreadyExistsAndChangesNothing()
      throws IOException {
    LogStore store = new S3ConditionalPutLogStore(hadoop);
    Path v0 = version(logDir("twice"), 0);

    store.write(v0, List.of("{\"writer\":\"a\"}", "{\"line\":2}").iterator(), false, hadoop);
    assertThrows(
        FileAlreadyExistsException.class,
        () -> store.write(v0, List.of("{\"writer\":\"b\"}").iterator(), false, hadoop));

    assertEquals(List.of("{\"writer\":\"a\"}", "{\"line\":2}"), read(store, v0));
    assertEquals(false, store.isPartialWriteVisible(v0, hadoop));
  }

  @Test
  void overwriteReplacesAndListFromListsFromAVersionInOrder() throws IOException {
    LogStore store = new S3ConditionalPutLogStore(hadoop);
    Path log = logDir("list");
    for (long v = 0; v < 4; v++) {
      store.write(version(log, v), List.of("{\"v\":" + v + "}").iterator(), false, hadoop);
    }
    Path lastCheckpoint = new Path(log, "_last_checkpoint");
    store.write(lastCheckpoint, List.of("{\"version\":1}").iterator(), true, hadoop);
    store.write(lastCheckpoint, List.of("{\"version\":3}").iterator(), true, hadoop);

    List<String> listed = new ArrayList<>();
    store
        .listFrom(version(log, 2), hadoop)
        .forEachRemaining(s -> listed.add(s.getPath().getName()));

    assertEquals(List.of("{\"version\":3}"), read(store, lastCheckpoint));
    assertEquals(
        List.of(String.format("%020d.json", 2), String.format("%020d.json", 3), "_last_checkpoint"),
        listed);
  }

  @Test
  void ofSixWritersRacingForEachOfFifteenVersionsExactlyOneWinsEachVersion() throws Exception {
    Path log = logDir("race");
    int writers = 6;
    int versions = 15;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    List<Integer> wins = Collections.synchronizedList(new ArrayList<>());
    try {
      for (long v = 0; v < versions; v++) {
        Path file = version(log, v);
        List<Callable<Boolean>> racers = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
          String content = "{\"writer\":" + w + "}";
          LogStore store = new S3ConditionalPutLogStore(hadoop);
          racers.add(
              () -> {
                try {
                  store.write(file, List.of(content).iterator(), false, hadoop);
                  return true;
                } catch (FileAlreadyExistsException lost) {
                  return false;
                }
              });
        }
        int winners = 0;
        for (Future<Boolean> f : pool.invokeAll(racers)) {
          winners += f.get() ? 1 : 0;
        }
        wins.add(winners);
      }
    } finally {
      pool.shutdownNow();
    }

    assertEquals(Collections.nCopies(versions, 1), wins, "winners per version");
    FileStatus[] files = fs.listStatus(log);
    assertEquals(versions, files.length, "one file per version, no probe left behind");
  }

  @Test
  void aRetryOfTheSameCreateWhoseFirstAttemptLandedCountsAsCreated() throws IOException {
    Path file = version(logDir("retry"), 0);
    byte[] content = "{\"commitInfo\":{\"txnId\":\"1\"}}\n".getBytes(StandardCharsets.UTF_8);

    assertEquals(PutIfAbsent.Outcome.CREATED, PutIfAbsent.create(fs, file, content));
    assertEquals(PutIfAbsent.Outcome.CREATED, PutIfAbsent.create(fs, file, content));
    assertEquals(
        PutIfAbsent.Outcome.EXISTS,
        PutIfAbsent.create(fs, file, "{\"other\":1}\n".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void aPathOutsideS3aIsRefusedWithTheSettingToChange() {
    LogStore store = new S3ConditionalPutLogStore(hadoop);
    Path local = new Path("file:/tmp/not-s3/_delta_log/00000000000000000000.json");

    IOException e =
        assertThrows(
            IOException.class, () -> store.write(local, List.of("{}").iterator(), false, hadoop));
    assertTrue(e.getMessage().contains("spark.delta.logStore.file.impl"), e.getMessage());
  }
}
