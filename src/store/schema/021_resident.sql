-- 021_resident.sql: residents on their own phones (P10). A resident proves
-- a number with a one-time code sent by SMS and gets a session of their own
-- (not a staff session: its token opens only /api/v1/resident/...). Numbers
-- are kept as the data key's keyed hash (phone_key, for lookups) and, where
-- one must be read back, sealed.

-- The code in force for a number: its keyed hash, when it expires, the wrong
-- tries, and a lock after too many.
CREATE TABLE resident_codes (
  phone_key {{TEXTKEY}} PRIMARY KEY,
  code_hash TEXT,
  expires_at BIGINT NOT NULL DEFAULT 0,
  tries INTEGER NOT NULL DEFAULT 0,
  locked_until BIGINT NOT NULL DEFAULT 0
);

-- Every code sent, for the hourly limits per number and per address.
CREATE TABLE resident_code_sends (
  id {{ID}},
  phone_key {{TEXTKEY}} NOT NULL,
  addr {{TEXTKEY}} NOT NULL,
  at BIGINT NOT NULL
);
CREATE INDEX resident_code_sends_phone ON resident_code_sends(phone_key, at);
CREATE INDEX resident_code_sends_addr ON resident_code_sends(addr, at);

CREATE TABLE resident_sessions (
  token_hash {{TEXTKEY}} PRIMARY KEY,
  phone_sealed TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  revoked_at BIGINT
);

-- the public lookup by case number and the last digits of the phone is
-- throttled per address like the code (resident_code_sends with phone_key
-- 'lookup')

INSERT INTO notify_templates (event, channel, text) VALUES
  ('resident.code', 'sms', '【连心】您的验证码是{code}，5分钟内有效。请勿告诉他人。');
