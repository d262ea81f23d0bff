-- Per device and minute. percentile_approx keeps a small quantile sketch per window in state.
SELECT
  device_id,
  window.start                              AS window_start,
  window.end                                AS window_end,
  to_date(window.start)                     AS window_date,
  count(*)                                  AS readings,
  min(reading)                              AS min_reading,
  max(reading)                              AS max_reading,
  round(avg(reading), 3)                    AS avg_reading,
  percentile_approx(reading, 0.95)          AS p95_reading
FROM events
GROUP BY device_id, window(event_time, '1 minute')
