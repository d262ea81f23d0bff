-- Per device and minute. percentile_approx keeps a small quantile sketch per window in state.
-- max_delay_ms: the longest a reading took from its device to Kafka (the Kafka record timestamp,
-- _kafka.timestamp, minus the reading's event time), a device whose link or buffer is lagging.
SELECT
  device_id,
  window.start                              AS window_start,
  window.end                                AS window_end,
  to_date(window.start)                     AS window_date,
  count(*)                                  AS readings,
  min(reading)                              AS min_reading,
  max(reading)                              AS max_reading,
  round(avg(reading), 3)                    AS avg_reading,
  percentile_approx(reading, 0.95)          AS p95_reading,
  max(unix_millis(_kafka.timestamp) - unix_millis(event_time)) AS max_delay_ms
FROM events
GROUP BY device_id, window(event_time, '1 minute')
