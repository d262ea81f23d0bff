package dev.tidemark.bench;

/**
 * Tidemark's bronze ingest ({@code tidemark ingest --available-now}): the loaded topic's raw
 * records, as they arrived, appended to a fresh bronze Delta table. No parsing, no state. Fails
 * unless the table holds every loaded record.
 */
final class BronzeIngestCase implements BenchCase {
  private final LoadedBronze bronze;

  BronzeIngestCase(LoadedBronze bronze) {
    this.bronze = bronze;
  }

  @Override
  public String id() {
    return "tidemark-bronze-ingest";
  }

  @Override
  public String label() {
    return "Tidemark bronze ingest (raw records to Delta), availableNow";
  }

  @Override
  public StateSize run(int run, PhaseMeter meter) throws Exception {
    bronze.ingest(id() + "-" + run, meter);
    return StateSize.NONE;
  }
}
