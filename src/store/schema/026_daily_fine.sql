-- 026_daily_fine.sql: the daily "I'm fine" press (报平安, P10). A resident
-- asked to (residents.daily_check_since: the local day from which it is
-- expected) presses once a day; a day that passes without one raises a
-- follow-up for the grid (a case at their place, field/fine.c). One row a
-- resident and day: the press, or the missed day with its case.
ALTER TABLE residents ADD COLUMN daily_check_since TEXT;
CREATE TABLE resident_fine (
  resident_id BIGINT NOT NULL REFERENCES residents(id),
  day {{TEXTKEY}} NOT NULL,
  kind TEXT NOT NULL,
  at BIGINT NOT NULL,
  case_id BIGINT REFERENCES cases(id),
  PRIMARY KEY (resident_id, day)
);
CREATE INDEX residents_daily ON residents(daily_check_since);
