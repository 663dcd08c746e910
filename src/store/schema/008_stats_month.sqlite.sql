-- 008_stats_month (SQLite): the roll-ups of 005 by calendar month beside
-- the daily ones, so that a year reads 12 rows per key and the days of
-- the partial months at its ends, instead of 366. Month = year * 12 +
-- (month - 1) of the local date. The daily tables become WITHOUT ROWID
-- here too: a summary reads a range of their primary key, which is then
-- the table itself rather than an index pointing into it.
CREATE TABLE stats_unit_day_new (
  day INTEGER NOT NULL,
  unit_id BIGINT NOT NULL,
  received BIGINT NOT NULL, dispatched BIGINT NOT NULL, due BIGINT NOT NULL,
  on_time BIGINT NOT NULL, rated BIGINT NOT NULL, solved BIGINT NOT NULL,
  satisfied BIGINT NOT NULL, basic BIGINT NOT NULL, unsatisfied BIGINT NOT NULL,
  overdue_open BIGINT NOT NULL,
  PRIMARY KEY (unit_id, day)
) WITHOUT ROWID;
INSERT INTO stats_unit_day_new SELECT * FROM stats_unit_day;
DROP TABLE stats_unit_day;
ALTER TABLE stats_unit_day_new RENAME TO stats_unit_day;
CREATE TABLE stats_cat_day_new (
  day INTEGER NOT NULL,
  unit_id BIGINT NOT NULL,
  category_code TEXT NOT NULL,
  received BIGINT NOT NULL, dispatched BIGINT NOT NULL, due BIGINT NOT NULL,
  on_time BIGINT NOT NULL, rated BIGINT NOT NULL, solved BIGINT NOT NULL,
  satisfied BIGINT NOT NULL, basic BIGINT NOT NULL, unsatisfied BIGINT NOT NULL,
  overdue_open BIGINT NOT NULL,
  PRIMARY KEY (unit_id, day, category_code)
) WITHOUT ROWID;
INSERT INTO stats_cat_day_new SELECT * FROM stats_cat_day;
DROP TABLE stats_cat_day;
ALTER TABLE stats_cat_day_new RENAME TO stats_cat_day;
CREATE TABLE stats_unit_month (
  month INTEGER NOT NULL,
  unit_id BIGINT NOT NULL,
  received BIGINT NOT NULL, dispatched BIGINT NOT NULL, due BIGINT NOT NULL,
  on_time BIGINT NOT NULL, rated BIGINT NOT NULL, solved BIGINT NOT NULL,
  satisfied BIGINT NOT NULL, basic BIGINT NOT NULL, unsatisfied BIGINT NOT NULL,
  overdue_open BIGINT NOT NULL,
  PRIMARY KEY (unit_id, month)
) WITHOUT ROWID;
CREATE TABLE stats_cat_month (
  month INTEGER NOT NULL,
  unit_id BIGINT NOT NULL,
  category_code TEXT NOT NULL,
  received BIGINT NOT NULL, dispatched BIGINT NOT NULL, due BIGINT NOT NULL,
  on_time BIGINT NOT NULL, rated BIGINT NOT NULL, solved BIGINT NOT NULL,
  satisfied BIGINT NOT NULL, basic BIGINT NOT NULL, unsatisfied BIGINT NOT NULL,
  overdue_open BIGINT NOT NULL,
  PRIMARY KEY (unit_id, month, category_code)
) WITHOUT ROWID;
