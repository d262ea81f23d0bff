package dev.tidemark.bench;

/**
 * Times one run of a case: wall time, CPU time of the Spark JVM and of the broker process, and the
 * peak memory of both, between {@link #begin()} and {@link #end()}.
 */
final class PhaseMeter {
  private ProcessMeter spark;
  private final ProcessMeter broker;
  private long startNanos;
  private long endNanos;
  private double sparkCpu0;
  private double brokerCpu0;
  private double sparkCpu;
  private double brokerCpu;
  private long sparkPeak;
  private long brokerPeak;

  PhaseMeter(ProcessMeter spark, ProcessMeter broker) {
    this.spark = spark;
    this.broker = broker;
  }

  /**
   * Measures another process in the Spark JVM's place: a peer engine running in its own JVM. Call
   * before {@link #begin()}.
   */
  void engine(ProcessMeter engine) {
    this.spark = engine;
  }

  void begin() {
    spark.resetPeak();
    broker.resetPeak();
    sparkCpu0 = seconds(spark);
    brokerCpu0 = seconds(broker);
    startNanos = System.nanoTime();
  }

  void end() {
    endNanos = System.nanoTime();
    sparkCpu = seconds(spark) - sparkCpu0;
    brokerCpu = seconds(broker) - brokerCpu0;
    sparkPeak = spark.peakRssBytes();
    brokerPeak = broker.peakRssBytes();
  }

  Sample sample(long stateRows, long stateBytes) {
    if (endNanos == 0) {
      throw new IllegalStateException("the case did not call begin() and end()");
    }
    return new Sample(
        (endNanos - startNanos) / 1e9,
        sparkCpu,
        brokerCpu,
        sparkPeak,
        brokerPeak,
        stateRows,
        stateBytes);
  }

  private static double seconds(ProcessMeter p) {
    return p.cpu().toNanos() / 1e9;
  }
}
