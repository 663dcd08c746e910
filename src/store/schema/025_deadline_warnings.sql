-- 025_deadline_warnings.sql: the inbox entry an hour before a case's
-- deadline (P10) is written once per deadline: a row here says it was
-- (a deadline moved by an extension or a suspension is warned of again).
CREATE TABLE case_warnings (
  case_id BIGINT NOT NULL REFERENCES cases(id),
  due_at BIGINT NOT NULL,
  at BIGINT NOT NULL,
  PRIMARY KEY (case_id, due_at)
);
