package dev.tidemark.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ChunkEtaTest {
  static Duration s(long seconds) {
    return Duration.ofSeconds(seconds);
  }

  @Test
  void afterChunksWereWrittenTheirMeanTimesWhatIsLeft() {
    // two chunks of 10 s and 20 s (mean 15 s), 6 s into the third, two more after it
    assertEquals(Optional.of(s(9 + 30)), new ChunkEta(List.of(s(10), s(20)), 2, s(6), 0.1).left());
    // the current chunk already took longer than the mean: only the chunks after it are left
    assertEquals(Optional.of(s(15)), new ChunkEta(List.of(s(10), s(20)), 1, s(40), 0.9).left());
    assertEquals(Optional.of(s(0)), new ChunkEta(List.of(s(10)), 0, s(12), 0.5).left());
  }

  @Test
  void beforeTheFirstChunkIsWrittenTheShareOfItsTasksDoneTells() {
    // a quarter of the first chunk's tasks done in 5 s: 15 s more for it, 20 s for each of 3 more
    assertEquals(Optional.of(s(15 + 60)), new ChunkEta(List.of(), 3, s(5), 0.25).left());
    assertEquals(Optional.empty(), new ChunkEta(List.of(), 3, s(5), 0).left());
    assertEquals(Optional.empty(), new ChunkEta(List.of(), 3, Duration.ZERO, 0.5).left());
  }
}
