-- 012_stats_month_refill (pg): the monthly roll-ups summed again from the
-- daily ones, now with `excluded` (011); this is the one definition that
-- lx_rollup_rebuild_months runs after a bulk load (009 was the first).
DELETE FROM stats_unit_month;
DELETE FROM stats_cat_month;
INSERT INTO stats_unit_month(month, unit_id, received, dispatched, due, on_time, rated, solved,
                             satisfied, basic, unsatisfied, overdue_open, excluded)
SELECT CAST(EXTRACT(YEAR FROM to_timestamp(day * 86400) AT TIME ZONE 'UTC') * 12 + EXTRACT(MONTH FROM to_timestamp(day * 86400) AT TIME ZONE 'UTC') - 1 AS INTEGER), unit_id, SUM(received), SUM(dispatched), SUM(due), SUM(on_time), SUM(rated), SUM(solved),
       SUM(satisfied), SUM(basic), SUM(unsatisfied), SUM(overdue_open), SUM(excluded)
FROM stats_unit_day GROUP BY 1, 2;
INSERT INTO stats_cat_month(month, unit_id, category_code, received, dispatched, due, on_time, rated,
                            solved, satisfied, basic, unsatisfied, overdue_open, excluded)
SELECT CAST(EXTRACT(YEAR FROM to_timestamp(day * 86400) AT TIME ZONE 'UTC') * 12 + EXTRACT(MONTH FROM to_timestamp(day * 86400) AT TIME ZONE 'UTC') - 1 AS INTEGER), unit_id, category_code, SUM(received), SUM(dispatched), SUM(due), SUM(on_time), SUM(rated),
       SUM(solved), SUM(satisfied), SUM(basic), SUM(unsatisfied), SUM(overdue_open), SUM(excluded)
FROM stats_cat_day GROUP BY 1, 2, 3;
