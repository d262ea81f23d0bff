package dev.tidemark.bench;

/**
 * One row of the bench: something that processes the loaded events once per call, timing only its
 * work between {@link PhaseMeter#begin()} and {@link PhaseMeter#end()}, and failing (throwing) when
 * its result is wrong, so that a broken pipeline never reports a speed.
 */
interface BenchCase {
  String id();

  String label();

  /**
   * Runs once (run 0 is the warm-up when there is one); returns the state it held at its largest.
   */
  StateSize run(int run, PhaseMeter meter) throws Exception;

  /** Largest state of a streaming aggregation over a run; zero for batch cases. */
  record StateSize(long rows, long bytes) {
    static final StateSize NONE = new StateSize(0, 0);
  }
}
