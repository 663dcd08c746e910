-- 024_onekey.sql: the press-9 call (一键呼叫, P10). A telephony gateway
-- posts a call with a key of its own kind (022); the call opens a case of
-- the onekey machine (flow/machines.c) for the resident whose phone or
-- device it is, and climbs a ladder of people (the resident's 代理儿女
-- volunteers in order, the grid's workers, the community, the district
-- desk), each step told through the outbox and given onekey_step_minutes to
-- acknowledge before the next is tried.

-- What P9 called carers were the family's contacts; a resident's carers are
-- now the volunteers (user ids) who come when they press 9, in order.
ALTER TABLE residents RENAME COLUMN carers_enc TO contacts_enc;
ALTER TABLE residents ADD COLUMN carer_ids TEXT;
ALTER TABLE residents ADD COLUMN device_id TEXT;
CREATE INDEX residents_device ON residents(device_id);
-- the same order as rows, for a volunteer's residents
CREATE TABLE resident_carers (
  resident_id BIGINT NOT NULL REFERENCES residents(id),
  ord INTEGER NOT NULL,
  user_id BIGINT NOT NULL REFERENCES users(id),
  PRIMARY KEY (resident_id, ord)
);
CREATE INDEX resident_carers_user ON resident_carers(user_id);

-- One call and the step it is at; step_due_at is when that step's time to
-- acknowledge runs out (NULL once acknowledged, or at the last step).
CREATE TABLE onekey_calls (
  id {{ID}},
  case_id BIGINT NOT NULL REFERENCES cases(id),
  resident_id BIGINT REFERENCES residents(id),
  unit_id BIGINT NOT NULL REFERENCES units(id),
  unit_path {{TEXTKEY}} NOT NULL,
  community_id BIGINT REFERENCES units(id),
  caller_sealed TEXT,
  device_id TEXT,
  emergency INTEGER NOT NULL DEFAULT 0,
  step INTEGER NOT NULL DEFAULT 0,
  nsteps INTEGER NOT NULL,
  step_due_at BIGINT,
  acked_at BIGINT,
  acked_by BIGINT REFERENCES users(id),
  arrived_at BIGINT,
  arrived_by BIGINT REFERENCES users(id),
  closed_at BIGINT,
  closed_by BIGINT REFERENCES users(id),
  close_note TEXT,
  created_at BIGINT NOT NULL
);
CREATE INDEX onekey_calls_due ON onekey_calls(step_due_at);
CREATE INDEX onekey_calls_path ON onekey_calls(unit_path, created_at);
CREATE INDEX onekey_calls_case ON onekey_calls(case_id);

-- The ladder, made with the call: step n tells these people (user ids, a
-- JSON array), of kind carer, grid, community or desk; notified_at once told.
CREATE TABLE onekey_steps (
  call_id BIGINT NOT NULL REFERENCES onekey_calls(id),
  n INTEGER NOT NULL,
  kind TEXT NOT NULL,
  unit_id BIGINT REFERENCES units(id),
  user_ids TEXT NOT NULL,
  notified_at BIGINT,
  PRIMARY KEY (call_id, n)
);
-- who was told of which call, for the acknowledgement's check and an SMS reply
CREATE TABLE onekey_told (
  call_id BIGINT NOT NULL REFERENCES onekey_calls(id),
  user_id BIGINT NOT NULL REFERENCES users(id),
  at BIGINT NOT NULL,
  PRIMARY KEY (call_id, user_id)
);
CREATE INDEX onekey_told_user ON onekey_told(user_id, at);

INSERT INTO categories(code, name, parent_code, case_type, accept_hours, resolve_hours, resp_kind, resp_value,
                       created_at, updated_at, anonymous_ok)
  VALUES ('0709', '一键呼叫', '07', 'onekey', 1, 24, 'unit_kind', 'community', 0, 0, 0);

INSERT INTO notify_templates (event, channel, text) VALUES
  ('onekey.call', 'inbox', '一键呼叫：{resident}（{address}）按下了呼叫键，请在{minutes}分钟内确认响应{advice}'),
  ('onekey.call', 'sms', '【连心】一键呼叫：{resident}（{address}）需要帮助，请尽快确认并前往：回复1确认，或打开{link}{advice}'),
  ('onekey.acked', 'sms', '【连心】您的呼叫已有人响应：{who}正在赶来。'),
  ('onekey.acked', 'inbox', '一键呼叫：{resident}的呼叫已由{who}响应');
