package dev.tidemark.bench;

/** A row the bench cannot measure yet; the table shows it with the reason instead of a figure. */
record UnavailableCase(String id, String label, String reason) implements BenchCase {
  @Override
  public StateSize run(int run, PhaseMeter meter) {
    throw new UnsupportedOperationException(reason);
  }
}
