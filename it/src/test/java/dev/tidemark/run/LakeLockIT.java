package dev.tidemark.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tidemark.TestS3;
import dev.tidemark.TestSpark;
import dev.tidemark.TidemarkProcess;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link LakeLock} between processes that present different machine identities (so none may judge
 * another by its process id), on a local disk and on an S3 server (S3Proxy): in 20 rounds of two
 * simultaneous attempts exactly one process wins each round, and the lock of a holder killed with
 * SIGKILL is taken over exactly once, by one of two simultaneous contenders, once its heartbeat has
 * been still for the stale time on the contenders' own clocks.
 */
class LakeLockIT {
  private static final long HEARTBEAT_MS = 200;
  private static final long STALE_MS = 2000;
  private static final int ROUNDS = 20;

  @TempDir Path dir;
  private final List<Process> started = new ArrayList<>();

  @AfterEach
  void stopContenders() {
    started.forEach(Process::destroyForcibly);
  }

  /** A contender process and its output. */
  private final class Contender {
    final String name;
    final Process process;
    final Path log;

    Contender(String name, String store) {
      this.name = name;
      this.log = dir.resolve(name + ".log");
      boolean s3 = store.equals("s3");
      this.process =
          TidemarkProcess.startTestMain(
              log,
              s3 ? TestS3.childEnvironment() : Map.of(),
              LockContender.class,
              TestSpark.projectDir()
                  .resolve(s3 ? "conf/s3-local.conf" : "conf/local.conf")
                  .toString(),
              lake,
              name,
              Long.toString(HEARTBEAT_MS),
              Long.toString(STALE_MS));
      started.add(process);
    }

    void send(String line) {
      try {
        OutputStream in = process.getOutputStream();
        in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** The line this contender printed for {@code round}, waiting for it. */
    String answer(String round) throws InterruptedException {
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (System.nanoTime() < deadline) {
        Optional<String> line =
            TidemarkProcess.output(log).lines().filter(l -> l.startsWith(round + " ")).findFirst();
        if (line.isPresent()) {
          return line.get().substring(round.length() + 1);
        }
        assertTrue(process.isAlive(), name + " died:\n" + TidemarkProcess.output(log));
        Thread.sleep(20);
      }
      throw new AssertionError(
          name + " did not answer round " + round + ":\n" + TidemarkProcess.output(log));
    }
  }

  private String lake;

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"local", "s3"})
  void oneWinnerInEachOfTwentySimultaneousRoundsAndADeadHolderTakenOverOnce(String store)
      throws Exception {
    lake =
        store.equals("s3")
            ? TestS3.freshPrefix("lake-lock")
            : "file:" + dir.resolve("lake").toAbsolutePath();
    Contender a = new Contender("a", store);
    Contender b = new Contender("b", store);
    Contender c = new Contender("c", store);
    for (Contender x : List.of(a, b, c)) {
      waitForLine(x, "ready");
    }

    // Twenty rounds: both try at the same instant; exactly one wins, the other names the winner.
    long lastGeneration = 0;
    for (int round = 1; round <= ROUNDS; round++) {
      String r = Integer.toString(round);
      long at = System.currentTimeMillis() + 300;
      a.send("acquire " + r + " " + at);
      b.send("acquire " + r + " " + at);
      String fromA = a.answer(r);
      String fromB = b.answer(r);
      assertEquals(
          1,
          Stream.of(fromA, fromB).filter(x -> x.startsWith("won ")).count(),
          "round " + r + ": a " + fromA + "; b " + fromB);
      Contender winner = fromA.startsWith("won ") ? a : b;
      String lost = winner == a ? fromB : fromA;
      assertTrue(
          lost.startsWith(
              "lost another lock test is already running: contender " + winner.name + " (host "),
          "round " + r + ": " + lost);
      long generation = Long.parseLong((winner == a ? fromA : fromB).substring("won ".length()));
      assertEquals(lastGeneration + 1, generation, "round " + r + " took the next generation");
      winner.send("release " + r);
      waitForLine(winner, r + " released");
      lastGeneration = generation + 1; // the release is a generation too
    }

    // A holder killed without releasing: its lock is taken over once, by one of two contenders.
    long at = System.currentTimeMillis() + 100;
    c.send("acquire 100 " + at);
    assertEquals("won " + (lastGeneration + 1), c.answer("100"));
    c.process.destroyForcibly().waitFor();
    at = System.currentTimeMillis() + 300;
    long before = System.nanoTime();
    a.send("acquire 101 " + at);
    b.send("acquire 101 " + at);
    String fromA = a.answer("101");
    String fromB = b.answer("101");
    long tookMs = (System.nanoTime() - before) / 1_000_000;
    long winners = Stream.of(fromA, fromB).filter(s -> s.startsWith("won ")).count();
    assertEquals(1, winners, "a " + fromA + "; b " + fromB);
    String won = fromA.startsWith("won ") ? fromA : fromB;
    String lost = fromA.startsWith("won ") ? fromB : fromA;
    assertEquals("won " + (lastGeneration + 2), won, "the generation after the dead holder's");
    assertTrue(
        lost.startsWith(
            "lost another lock test is already running: contender "
                + (fromA.startsWith("won ") ? "a" : "b")
                + " (host "),
        lost);
    assertTrue(tookMs >= STALE_MS, "waited for the stale time: " + tookMs + " ms");
  }

  private static void waitForLine(Contender x, String line) throws InterruptedException {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (System.nanoTime() < deadline) {
      if (TidemarkProcess.output(x.log).lines().anyMatch(line::equals)) {
        return;
      }
      assertTrue(x.process.isAlive(), x.name + " died:\n" + TidemarkProcess.output(x.log));
      Thread.sleep(50);
    }
    throw new AssertionError(x.name + " never got ready:\n" + TidemarkProcess.output(x.log));
  }
}
