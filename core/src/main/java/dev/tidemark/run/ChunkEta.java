package dev.tidemark.run;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * How long a chunked backfill still needs: from the chunks this run wrote (their mean time), or
 * before the first is written, from the share of the current chunk's tasks that are done. Chunks
 * skipped as done by an earlier run take no time and are not counted.
 *
 * @param written the times of the chunks this run wrote
 * @param remaining chunks still to write after the current one
 * @param elapsed time spent on the current chunk
 * @param currentDone share of the current chunk's tasks done, 0 to 1 (0: not known yet)
 */
public record ChunkEta(
    List<Duration> written, int remaining, Duration elapsed, double currentDone) {

  /** The time left, or empty while nothing tells yet. */
  public Optional<Duration> left() {
    if (!written.isEmpty()) {
      Duration mean =
          written.stream().reduce(Duration.ZERO, Duration::plus).dividedBy(written.size());
      Duration current = mean.minus(elapsed).isNegative() ? Duration.ZERO : mean.minus(elapsed);
      return Optional.of(current.plus(mean.multipliedBy(remaining)));
    }
    if (currentDone <= 0 || elapsed.isZero()) {
      return Optional.empty();
    }
    Duration whole = Duration.ofMillis(Math.round(elapsed.toMillis() / Math.min(currentDone, 1.0)));
    return Optional.of(whole.minus(elapsed).plus(whole.multipliedBy(remaining)));
  }
}
