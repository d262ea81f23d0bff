package dev.tidemark.config;

import java.time.Duration;

/**
 * The event-time windows a pipeline's SQL produces, declared so that a backfill knows which rows a
 * time range owns. A window belongs to the range {@code [from, to)} when its start (the column
 * {@code startColumn} of the result) lies in the range.
 *
 * @param type tumbling ({@code window(t, size)}), sliding ({@code window(t, size, slide)}) or
 *     session ({@code session_window(t, gap)})
 * @param size window length (tumbling, sliding); for session windows the gap
 * @param slide distance between window starts; equals {@code size} for tumbling windows
 * @param startColumn the result column holding the window start
 */
public record WindowSpec(Type type, Duration size, Duration slide, String startColumn) {
  public enum Type {
    TUMBLING,
    SLIDING,
    SESSION
  }

  /** Event time before a window's start that may still belong to it (session windows only). */
  public Duration leadIn() {
    return type == Type.SESSION ? size : Duration.ZERO;
  }
}
