-- 014_append_only.sqlite.sql: the chained tables are append-only. A sealed
-- row (prev_hash set) is never updated; no row is ever deleted. (Whoever edits
-- the file with another program can drop these; `lianxin audit verify`
-- is what catches that.)
CREATE TRIGGER case_events_sealed BEFORE UPDATE ON case_events
  WHEN OLD.prev_hash IS NOT NULL BEGIN SELECT RAISE(ABORT, 'case_events is append-only'); END;
CREATE TRIGGER case_events_kept BEFORE DELETE ON case_events
  BEGIN SELECT RAISE(ABORT, 'case_events is append-only'); END;
CREATE TRIGGER audit_log_sealed BEFORE UPDATE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_kept BEFORE DELETE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
