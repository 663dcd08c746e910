-- 009_stats_month_fill (pg): sums the daily roll-ups into the monthly ones
-- (008), once; a bulk load refills them in code (lx_rollup_rebuild_months).
-- A day number is the local date counted from 1970-01-01, so day * 86400
-- read as UTC is that local date.
INSERT INTO stats_unit_month(month, unit_id, received, dispatched, due, on_time, rated, solved,
                             satisfied, basic, unsatisfied, overdue_open)
SELECT CAST(EXTRACT(YEAR FROM to_timestamp(day * 86400) AT TIME ZONE 'UTC') * 12 + EXTRACT(MONTH FROM to_timestamp(day * 86400) AT TIME ZONE 'UTC') - 1 AS INTEGER), unit_id, SUM(received), SUM(dispatched), SUM(due), SUM(on_time), SUM(rated), SUM(solved),
       SUM(satisfied), SUM(basic), SUM(unsatisfied), SUM(overdue_open)
FROM stats_unit_day GROUP BY 1, 2;
INSERT INTO stats_cat_month(month, unit_id, category_code, received, dispatched, due, on_time, rated,
                            solved, satisfied, basic, unsatisfied, overdue_open)
SELECT CAST(EXTRACT(YEAR FROM to_timestamp(day * 86400) AT TIME ZONE 'UTC') * 12 + EXTRACT(MONTH FROM to_timestamp(day * 86400) AT TIME ZONE 'UTC') - 1 AS INTEGER), unit_id, category_code, SUM(received), SUM(dispatched), SUM(due), SUM(on_time), SUM(rated),
       SUM(solved), SUM(satisfied), SUM(basic), SUM(unsatisfied), SUM(overdue_open)
FROM stats_cat_day GROUP BY 1, 2, 3;
