-- Per device and hour, from the minute windows of sensor-readings (the view events holds its rows).
-- The mean is the minutes' means weighted by their readings.
SELECT
  device_id,
  window.start                                          AS window_start,
  window.end                                            AS window_end,
  to_date(window.start)                                 AS window_date,
  count(*)                                              AS minutes,
  sum(readings)                                         AS readings,
  min(min_reading)                                      AS min_reading,
  max(max_reading)                                      AS max_reading,
  round(sum(avg_reading * readings) / sum(readings), 3) AS avg_reading
FROM events
GROUP BY device_id, window(window_start, '1 hour')
