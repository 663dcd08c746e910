-- 006_scope (PostgreSQL): the visibility index of cases, the twin of
-- 006_scope.sqlite.sql.
CREATE TABLE case_scope (
  unit_id BIGINT NOT NULL,
  status TEXT NOT NULL,
  case_id BIGINT NOT NULL,
  PRIMARY KEY (unit_id, status, case_id)
);
