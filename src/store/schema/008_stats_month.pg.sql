-- 008_stats_month (PostgreSQL): the monthly roll-ups, twin of
-- 008_stats_month.sqlite.sql (which also turns SQLite's daily tables into
-- WITHOUT ROWID tables; PostgreSQL has nothing to change there).
CREATE TABLE stats_unit_month (
  month INTEGER NOT NULL,
  unit_id BIGINT NOT NULL,
  received BIGINT NOT NULL, dispatched BIGINT NOT NULL, due BIGINT NOT NULL,
  on_time BIGINT NOT NULL, rated BIGINT NOT NULL, solved BIGINT NOT NULL,
  satisfied BIGINT NOT NULL, basic BIGINT NOT NULL, unsatisfied BIGINT NOT NULL,
  overdue_open BIGINT NOT NULL,
  PRIMARY KEY (unit_id, month)
);
CREATE TABLE stats_cat_month (
  month INTEGER NOT NULL,
  unit_id BIGINT NOT NULL,
  category_code TEXT NOT NULL,
  received BIGINT NOT NULL, dispatched BIGINT NOT NULL, due BIGINT NOT NULL,
  on_time BIGINT NOT NULL, rated BIGINT NOT NULL, solved BIGINT NOT NULL,
  satisfied BIGINT NOT NULL, basic BIGINT NOT NULL, unsatisfied BIGINT NOT NULL,
  overdue_open BIGINT NOT NULL,
  PRIMARY KEY (unit_id, month, category_code)
);
