-- 006_scope (SQLite): the visibility index of cases. See 006_scope.pg.sql's
-- twin; WITHOUT ROWID keeps the rows in the key's B-tree alone.
CREATE TABLE case_scope (
  unit_id BIGINT NOT NULL,
  status TEXT NOT NULL,
  case_id BIGINT NOT NULL,
  PRIMARY KEY (unit_id, status, case_id)
) WITHOUT ROWID;
