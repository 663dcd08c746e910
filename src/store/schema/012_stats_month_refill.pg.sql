-- 012_stats_month_refill (pg): the monthly roll-ups summed again from the
-- daily ones once every migration is in, so that they carry `excluded` (011)
-- as the daily ones do; the sum is code (lx_rollup_rebuild_months, the rule
-- the live path adds months by), asked for by name (store/migrate.c).
INSERT INTO schema_rebuilds(name) VALUES ('months');
