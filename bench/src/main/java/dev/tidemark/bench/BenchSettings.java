package dev.tidemark.bench;

import java.time.Duration;
import java.time.Instant;

/**
 * What one bench run does.
 *
 * @param events events loaded into the topic, and processed by every row
 * @param repeat timed runs per row (the median is reported)
 * @param warmup untimed runs per row before the timed ones
 * @param partitions Kafka partitions of the loaded topic
 * @param start event time of the first generated event
 * @param span event-time span of the generated events
 * @param latencyRate events per second of the latency run; 0 skips it
 * @param latencySeconds length of the latency run
 * @param latencyTrigger processing-time trigger of the latency run's stream
 */
record BenchSettings(
    String pipeline,
    long events,
    int repeat,
    int warmup,
    int partitions,
    Instant start,
    Duration span,
    int latencyRate,
    int latencySeconds,
    Duration latencyTrigger) {}
