-- 014_append_only.pg.sql: the chained tables are append-only. A sealed row
-- (prev_hash set) is never updated; no row is ever deleted.
CREATE FUNCTION lx_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END $$;
CREATE TRIGGER case_events_sealed BEFORE UPDATE ON case_events
  FOR EACH ROW WHEN (OLD.prev_hash IS NOT NULL) EXECUTE FUNCTION lx_append_only();
CREATE TRIGGER case_events_kept BEFORE DELETE ON case_events
  FOR EACH ROW EXECUTE FUNCTION lx_append_only();
CREATE TRIGGER audit_log_sealed BEFORE UPDATE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION lx_append_only();
CREATE TRIGGER audit_log_kept BEFORE DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION lx_append_only();
