-- Views, approximate unique users and distinct pages per site section (from the dimension pages,
-- as of each view's time) and 5 minutes; section NULL: pages the dimension does not list.
SELECT
  section,
  window.start                      AS window_start,
  window.end                        AS window_end,
  to_date(window.start)             AS window_date,
  count(*)                          AS views,
  approx_count_distinct(user_id)    AS unique_users,
  approx_count_distinct(page)       AS pages
FROM events
GROUP BY section, window(event_time, '5 minutes')
