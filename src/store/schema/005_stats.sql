-- 005_stats.sql: roll-ups of the three rates, maintained on every change of
-- a case (store/repo_stats.c), so a summary reads a few hundred rows instead
-- of scanning cases. One row per local day of intake and unit, counted for
-- the case's handling unit and every ancestor of it (unit_id 0 is the whole
-- system); the second table splits the same by category.
CREATE TABLE stats_unit_day (
  day INTEGER NOT NULL,
  unit_id BIGINT NOT NULL,
  received BIGINT NOT NULL, dispatched BIGINT NOT NULL, due BIGINT NOT NULL,
  on_time BIGINT NOT NULL, rated BIGINT NOT NULL, solved BIGINT NOT NULL,
  satisfied BIGINT NOT NULL, basic BIGINT NOT NULL, unsatisfied BIGINT NOT NULL,
  overdue_open BIGINT NOT NULL,
  PRIMARY KEY (unit_id, day)
);
CREATE TABLE stats_cat_day (
  day INTEGER NOT NULL,
  unit_id BIGINT NOT NULL,
  category_code TEXT NOT NULL,
  received BIGINT NOT NULL, dispatched BIGINT NOT NULL, due BIGINT NOT NULL,
  on_time BIGINT NOT NULL, rated BIGINT NOT NULL, solved BIGINT NOT NULL,
  satisfied BIGINT NOT NULL, basic BIGINT NOT NULL, unsatisfied BIGINT NOT NULL,
  overdue_open BIGINT NOT NULL,
  PRIMARY KEY (unit_id, day, category_code)
);
-- The roll-ups start from the cases already there: the program rebuilds them
-- once every migration is in (store/migrate.c, schema_rebuilds).
INSERT INTO schema_rebuilds(name) VALUES ('rollups');
