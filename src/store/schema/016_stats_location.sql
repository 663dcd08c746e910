-- 016_stats_location: the statistics by the case's location unit (P8: the
-- summary's basis=location) beside those by its handling unit (005, 008).
-- These tables hold the difference, location basis minus handler basis, for
-- each (day or month, unit[, category]): a case adds its contribution vector
-- (core lx_stat_contrib) to the units on its location's path and subtracts
-- it from the units on its handler's path, so the units both paths share
-- (the whole system, the district, often the street) cancel and are never
-- written. A case handled where it lies writes nothing here. A summary by
-- location reads the handler roll-ups plus these rows (store/repo_stats.c).
-- Kept on every insert and update of a case with the handler roll-ups, in
-- the same transaction. Created here, portable, so migrate-data copies them;
-- 016_stats_location.sqlite.sql makes them WITHOUT ROWID on SQLite.
CREATE TABLE stats_loc_day (
  day INTEGER NOT NULL,
  unit_id BIGINT NOT NULL,
  received BIGINT NOT NULL, dispatched BIGINT NOT NULL, due BIGINT NOT NULL,
  on_time BIGINT NOT NULL, rated BIGINT NOT NULL, solved BIGINT NOT NULL,
  satisfied BIGINT NOT NULL, basic BIGINT NOT NULL, unsatisfied BIGINT NOT NULL,
  overdue_open BIGINT NOT NULL, excluded BIGINT NOT NULL,
  PRIMARY KEY (unit_id, day)
);
CREATE TABLE stats_loc_cat_day (
  day INTEGER NOT NULL,
  unit_id BIGINT NOT NULL,
  category_code TEXT NOT NULL,
  received BIGINT NOT NULL, dispatched BIGINT NOT NULL, due BIGINT NOT NULL,
  on_time BIGINT NOT NULL, rated BIGINT NOT NULL, solved BIGINT NOT NULL,
  satisfied BIGINT NOT NULL, basic BIGINT NOT NULL, unsatisfied BIGINT NOT NULL,
  overdue_open BIGINT NOT NULL, excluded BIGINT NOT NULL,
  PRIMARY KEY (unit_id, day, category_code)
);
CREATE TABLE stats_loc_month (
  month INTEGER NOT NULL,
  unit_id BIGINT NOT NULL,
  received BIGINT NOT NULL, dispatched BIGINT NOT NULL, due BIGINT NOT NULL,
  on_time BIGINT NOT NULL, rated BIGINT NOT NULL, solved BIGINT NOT NULL,
  satisfied BIGINT NOT NULL, basic BIGINT NOT NULL, unsatisfied BIGINT NOT NULL,
  overdue_open BIGINT NOT NULL, excluded BIGINT NOT NULL,
  PRIMARY KEY (unit_id, month)
);
CREATE TABLE stats_loc_cat_month (
  month INTEGER NOT NULL,
  unit_id BIGINT NOT NULL,
  category_code TEXT NOT NULL,
  received BIGINT NOT NULL, dispatched BIGINT NOT NULL, due BIGINT NOT NULL,
  on_time BIGINT NOT NULL, rated BIGINT NOT NULL, solved BIGINT NOT NULL,
  satisfied BIGINT NOT NULL, basic BIGINT NOT NULL, unsatisfied BIGINT NOT NULL,
  overdue_open BIGINT NOT NULL, excluded BIGINT NOT NULL,
  PRIMARY KEY (unit_id, month, category_code)
);
-- The cases already there: a contribution is code (lx_stat_contrib), never
-- spelled again in SQL, so the program rebuilds every roll-up once all
-- migrations are in (store/migrate.c, schema_rebuilds; lx_rollup_rebuild
-- fills these tables too). One pass over the cases, at the next start; on
-- a new database 005's request is still waiting, and this one joins it.
INSERT INTO schema_rebuilds(name) VALUES ('rollups') ON CONFLICT (name) DO NOTHING;
