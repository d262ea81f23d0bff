-- Views and approximate unique users (HyperLogLog++, about 5% relative error) per page.
SELECT
  page,
  window.start                      AS window_start,
  window.end                        AS window_end,
  to_date(window.start)             AS window_date,
  count(*)                          AS views,
  approx_count_distinct(user_id)    AS unique_users
FROM events
GROUP BY page, window(event_time, '5 minutes')
