-- 020_notify.sql: one notification system (P10). A change that concerns
-- somebody writes, in its own transaction, an inbox entry for each staff
-- recipient and a message in the outbox for each outbound channel; the
-- delivery thread sends the outbox afterwards (store/repo_notify.c,
-- notify/).

-- A staff user's inbox: work arrived for their unit, a case they handle
-- supervised, an approval waiting, a deadline in an hour, a press-9 step.
CREATE TABLE inbox (
  id {{ID}},
  user_id BIGINT NOT NULL REFERENCES users(id),
  event TEXT NOT NULL,
  case_id BIGINT REFERENCES cases(id),
  text TEXT NOT NULL,
  msg_key {{TEXTKEY}} UNIQUE, -- set where one entry must never be written twice
  created_at BIGINT NOT NULL,
  read_at BIGINT
);
CREATE INDEX inbox_user ON inbox(user_id, id);
CREATE INDEX inbox_unread ON inbox(user_id, id) WHERE read_at IS NULL;

-- Messages to send. `key` is the idempotency key (also the id the gateway
-- sees): one event for one recipient on one channel is one message, however
-- often the change that caused it is retried. The recipient's number is
-- sealed with the data key (core/pii.c); `to_mask` is what logs and lists
-- show. A message is pending until delivered or given up; a node leases it
-- (lease_until) while it sends, so two nodes never send it at once.
CREATE TABLE outbox (
  id {{ID}},
  msg_key {{TEXTKEY}} NOT NULL UNIQUE,
  channel TEXT NOT NULL,
  event TEXT NOT NULL,
  case_id BIGINT,
  to_sealed TEXT,
  to_mask TEXT,
  body TEXT NOT NULL,
  pending INTEGER NOT NULL DEFAULT 1,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_at BIGINT NOT NULL,
  lease_until BIGINT,
  lease_owner TEXT,
  last_error TEXT,
  created_at BIGINT NOT NULL,
  delivered_at BIGINT,
  gave_up_at BIGINT
);
CREATE INDEX outbox_due ON outbox(next_at, id) WHERE pending = 1;
CREATE INDEX outbox_case ON outbox(case_id, id);

-- The texts, as data an admin edits: one per event and channel, with
-- {placeholders} (notify/notify.c lists the ones each event fills).
CREATE TABLE notify_templates (
  event {{TEXTKEY}} NOT NULL,
  channel {{TEXTKEY}} NOT NULL,
  text TEXT NOT NULL,
  updated_at BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (event, channel)
);
INSERT INTO notify_templates (event, channel, text) VALUES
  ('case.dispatched', 'inbox', '新工单：{title}（{number}），请在{accept_due}前受理'),
  ('case.supervised', 'inbox', '督办：{title}（{number}）已被督办，请加快办理'),
  ('case.approval', 'inbox', '待审批：{title}（{number}）申请{request}，请审批'),
  ('case.deadline', 'inbox', '即将超期：{title}（{number}）将于{due}到期'),
  ('case.accepted', 'sms', '【连心】您反映的问题（编号{number}）已由{unit}受理，我们会尽快办理。'),
  ('case.resolved', 'sms', '【连心】您反映的问题（编号{number}）已办结：{reply} 请评价办理结果：{link}'),
  ('case.reopened', 'sms', '【连心】您反映的问题（编号{number}）已重新办理，我们会尽快给您答复。');
