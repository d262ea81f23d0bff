package dev.tidemark.bench;

/**
 * What one timed run of a bench case measured.
 *
 * @param seconds wall time of the timed part
 * @param sparkCpuSeconds CPU time of the Spark JVM (all threads, GC and JIT included)
 * @param brokerCpuSeconds CPU time of the broker process over the same interval
 * @param sparkPeakRss peak resident memory of the Spark JVM during the run, bytes
 * @param brokerPeakRss peak resident memory of the broker process during the run, bytes
 * @param stateRows state rows held by the streaming aggregation at its largest (0 for batch)
 * @param stateBytes state memory reported by the state store at its largest (0 for batch)
 */
record Sample(
    double seconds,
    double sparkCpuSeconds,
    double brokerCpuSeconds,
    long sparkPeakRss,
    long brokerPeakRss,
    long stateRows,
    long stateBytes) {}
