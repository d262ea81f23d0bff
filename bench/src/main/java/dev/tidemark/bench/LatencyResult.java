package dev.tidemark.bench;

/**
 * Event-to-visible latency at a steady rate: for every event, the time from its Kafka record
 * timestamp (stamped when the producer sent it) to the end of the micro-batch that committed its
 * windows to the Delta table.
 *
 * @param rate events per second sent
 * @param seconds how long they were sent
 * @param trigger the stream's processing-time trigger
 * @param events events measured (all sent)
 * @param batches micro-batches that carried them
 */
record LatencyResult(
    int rate,
    int seconds,
    String trigger,
    long events,
    long batches,
    double p50Seconds,
    double p95Seconds,
    double p99Seconds,
    double maxSeconds) {}
