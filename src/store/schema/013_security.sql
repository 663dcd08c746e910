-- 013_security.sql: what P7's hardening keeps.
--
-- Users: a password nobody chose (init's random one, one an admin set for
-- someone else) must be changed first; when it was last changed (expiry);
-- the TOTP second factor (the secret encrypted at rest with the server's
-- key, store/../core/secret.c; an enrolment waits in totp_pending until a
-- first code confirms it; totp_step is the last time step used, so a code
-- is good once).
ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN password_changed_at BIGINT;
ALTER TABLE users ADD COLUMN totp_secret TEXT;
ALTER TABLE users ADD COLUMN totp_pending TEXT;
ALTER TABLE users ADD COLUMN totp_step BIGINT NOT NULL DEFAULT 0;
UPDATE users SET password_changed_at = updated_at;

-- Sessions: the last use (the idle timeout) and the address it began from.
ALTER TABLE sessions ADD COLUMN seen_at BIGINT;
ALTER TABLE sessions ADD COLUMN addr TEXT;
UPDATE sessions SET seen_at = created_at;

-- The audit log: logins, failures, locks, unlocks, role and password
-- changes, second-factor changes, unmasked reads, exports, API key use.
-- Append-only and hash-chained like the timeline (store/chain.c: each
-- row holds the BLAKE2b-128 of the row before it).
CREATE TABLE audit_log (
  id BIGINT PRIMARY KEY,
  at BIGINT NOT NULL,
  kind TEXT NOT NULL,
  actor_id BIGINT,
  login TEXT,
  addr TEXT,
  target TEXT,
  detail TEXT,
  prev_hash TEXT NOT NULL
);
CREATE INDEX audit_log_login ON audit_log(login, at);
CREATE INDEX audit_log_addr ON audit_log(addr, at);
CREATE INDEX audit_log_at ON audit_log(at);

-- The timeline becomes a chain: rows written before this are sealed by the
-- 'chain' rebuild (store/chain.c: lx_chain_rebuild).
ALTER TABLE case_events ADD COLUMN prev_hash TEXT;

CREATE TABLE chain_heads (
  name TEXT PRIMARY KEY,
  last_id BIGINT NOT NULL,
  hash TEXT NOT NULL
);
INSERT INTO chain_heads(name, last_id, hash) VALUES
  ('case_events', 0, '00000000000000000000000000000000'),
  ('audit_log', 0, '00000000000000000000000000000000');
INSERT INTO schema_rebuilds(name) VALUES ('chain');
