-- Card velocity: how often, how much and where each card spent in the last 10 minutes,
-- evaluated every minute. collect_set gives exact distinct counts (COUNT(DISTINCT) is not
-- supported on streams).
SELECT
  card_id,
  window.start                                   AS window_start,
  window.end                                     AS window_end,
  to_date(window.start)                          AS window_date,
  count(*)                                       AS txn_count,
  sum(amount)                                    AS total_amount,
  size(collect_set(merchant_id))                 AS distinct_merchants,
  size(collect_set(country))                     AS distinct_countries,
  (count(*) >= 12
    OR sum(amount) >= 1500
    OR size(collect_set(country)) >= 4)          AS flagged
FROM events
GROUP BY card_id, window(event_time, '10 minutes', '1 minute')
