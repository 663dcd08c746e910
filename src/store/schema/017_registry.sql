-- 017_registry.sql: the grid's field work (P9): the registry of people,
-- places and organisations, checklist forms, visit plans and visits, the
-- hazard ledger.
--
-- Every registry row belongs to a unit and carries its materialised path,
-- so a caller's scope is a range of unit_path as for cases. ID numbers and
-- phones are sealed with the data key (core/pii.c) before they reach
-- SQL: *_enc is the sealed text, *_hash the keyed BLAKE2b a lookup by the
-- value uses. No column holds them in plain text.

-- The data key's fingerprint: a server started with another key refuses
-- to start rather than write rows nobody can open (store/repo_registry.c).
CREATE TABLE key_checks (
  name TEXT PRIMARY KEY,
  fingerprint TEXT NOT NULL
);

-- Resident tags: a list the admin keeps. A sensitive tag (health,
-- disability, minors: PIPL Art. 28) is shown only to roles granted
-- registry_sensitive.
CREATE TABLE registry_tags (
  name TEXT PRIMARY KEY,
  sensitive INTEGER NOT NULL DEFAULT 0,
  sort INTEGER NOT NULL DEFAULT 0,
  note TEXT
);
INSERT INTO registry_tags(name, sensitive, sort, note) VALUES
  ('独居老人', 0, 10, '天天敲门'),
  ('高龄', 0, 20, '80 岁及以上'),
  ('空巢老人', 0, 30, NULL),
  ('低保', 0, 40, '最低生活保障'),
  ('残疾', 1, 50, '健康信息：敏感个人信息'),
  ('重病慢病', 1, 60, '健康信息：敏感个人信息'),
  ('留守儿童', 1, 70, '未成年人：敏感个人信息'),
  ('特殊家庭', 1, 80, '计生特殊家庭'),
  ('退休党员', 0, 90, NULL),
  ('退役军人', 0, 100, NULL),
  ('志愿者', 0, 110, NULL);

-- Households: wave 1's demo rows stay; they gain a point, a version and a
-- change time. A move to another grid is a row of household_moves.
ALTER TABLE households ADD COLUMN lat DOUBLE PRECISION;
ALTER TABLE households ADD COLUMN lon DOUBLE PRECISION;
ALTER TABLE households ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE households ADD COLUMN updated_at BIGINT NOT NULL DEFAULT 0;
UPDATE households SET updated_at = created_at;
CREATE INDEX households_address ON households(address);

CREATE TABLE household_moves (
  id {{ID}},
  household_id BIGINT NOT NULL REFERENCES households(id),
  from_unit_id BIGINT NOT NULL,
  to_unit_id BIGINT NOT NULL,
  from_address TEXT NOT NULL,
  to_address TEXT NOT NULL,
  moved_by BIGINT,
  moved_at BIGINT NOT NULL
);
CREATE INDEX household_moves_household ON household_moves(household_id, id);

-- Residents: wave 1 kept phones and ID numbers of its demo rows in plain
-- text. Nothing but the demo could write them; the rows are dropped here
-- and `lianxin demo` writes them again, sealed.
DROP TABLE residents;
CREATE TABLE residents (
  id {{ID}},
  household_id BIGINT REFERENCES households(id),
  unit_id BIGINT NOT NULL REFERENCES units(id),
  unit_path {{TEXTKEY}} NOT NULL,
  name TEXT NOT NULL,
  gender TEXT,
  birth_date TEXT,
  phone_enc TEXT,
  phone_hash TEXT,
  id_enc TEXT,
  id_hash TEXT,
  carers_enc TEXT,
  tags TEXT NOT NULL DEFAULT '[]',
  version INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX residents_household ON residents(household_id);
CREATE INDEX residents_path ON residents(unit_path, id);
CREATE INDEX residents_phone ON residents(phone_hash);
CREATE UNIQUE INDEX residents_id_number ON residents(id_hash);
CREATE INDEX residents_name ON residents(name);

-- A resident's tags again as rows: "residents with a tag in a subtree"
-- (a visit plan's targets, the list's tag filter) is an index range.
CREATE TABLE resident_tags (
  tag TEXT NOT NULL,
  unit_path {{TEXTKEY}} NOT NULL,
  resident_id BIGINT NOT NULL REFERENCES residents(id),
  PRIMARY KEY (tag, unit_path, resident_id)
);
CREATE INDEX resident_tags_resident ON resident_tags(resident_id);

-- Places: buildings, shops and 九小场所, facilities (gas meters,
-- hydrants); a point or a polygon (GeoJSON), a type, who runs it.
CREATE TABLE places (
  id {{ID}},
  unit_id BIGINT NOT NULL REFERENCES units(id),
  unit_path {{TEXTKEY}} NOT NULL,
  type TEXT NOT NULL,
  name TEXT NOT NULL,
  address TEXT,
  lat DOUBLE PRECISION,
  lon DOUBLE PRECISION,
  geometry TEXT,
  contact TEXT,
  phone_enc TEXT,
  version INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX places_path ON places(unit_path, id);
CREATE INDEX places_type ON places(type, unit_path);

CREATE TABLE organisations (
  id {{ID}},
  unit_id BIGINT NOT NULL REFERENCES units(id),
  unit_path {{TEXTKEY}} NOT NULL,
  type TEXT NOT NULL,
  name TEXT NOT NULL,
  address TEXT,
  contact TEXT,
  phone_enc TEXT,
  version INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX organisations_path ON organisations(unit_path, id);

-- Checklist forms: the current version on forms, every version (the
-- current one too) in form_versions, which a visit names.
CREATE TABLE forms (
  id {{ID}},
  code TEXT UNIQUE,
  name TEXT NOT NULL,
  version INTEGER NOT NULL,
  questions TEXT NOT NULL,
  created_by BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE TABLE form_versions (
  form_id BIGINT NOT NULL REFERENCES forms(id),
  version INTEGER NOT NULL,
  questions TEXT NOT NULL,
  created_by BIGINT,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (form_id, version)
);

-- Visit plans: who is visited (a target set in a subtree), with which
-- form, how often, by whom (visit_plan_workers; none: the grid's own).
CREATE TABLE visit_plans (
  id {{ID}},
  name TEXT NOT NULL,
  form_id BIGINT NOT NULL REFERENCES forms(id),
  unit_id BIGINT NOT NULL REFERENCES units(id),
  unit_path {{TEXTKEY}} NOT NULL,
  target_kind TEXT NOT NULL,
  target_tag TEXT,
  target_type TEXT,
  frequency TEXT NOT NULL,
  every_n INTEGER NOT NULL DEFAULT 1,
  starts_at BIGINT NOT NULL,
  ends_at BIGINT,
  active INTEGER NOT NULL DEFAULT 1,
  created_by BIGINT,
  created_at BIGINT NOT NULL
);
CREATE INDEX visit_plans_path ON visit_plans(unit_path);
CREATE TABLE visit_plan_workers (
  plan_id BIGINT NOT NULL REFERENCES visit_plans(id),
  user_id BIGINT NOT NULL REFERENCES users(id),
  PRIMARY KEY (plan_id, user_id)
);
CREATE INDEX visit_plan_workers_user ON visit_plan_workers(user_id);

-- One row per plan and target: when it was first due, last visited (at
-- home or refused: the period is covered), may be tried again (not home:
-- the next working day), what follow-up it waits for, the alert raised for
-- a person of a daily plan nobody saw for two days. The due list and
-- coverage read these rows, never the visits; a visit moves its row.
CREATE TABLE visit_targets (
  plan_id BIGINT NOT NULL REFERENCES visit_plans(id),
  target_kind TEXT NOT NULL,
  target_id BIGINT NOT NULL,
  unit_id BIGINT NOT NULL,
  unit_path {{TEXTKEY}} NOT NULL,
  first_due_at BIGINT NOT NULL,
  done_at BIGINT,
  done_by BIGINT,
  retry_at BIGINT,
  followup TEXT,
  seen_at BIGINT,
  last_visit_id BIGINT,
  last_outcome TEXT,
  alert_case_id BIGINT,
  lat DOUBLE PRECISION,
  lon DOUBLE PRECISION,
  PRIMARY KEY (plan_id, target_kind, target_id)
);
-- The due list and coverage read this index alone (a grid's targets of a
-- plan are one range of it, every column they need in it): the target's
-- point is kept here from its household or place, so "nearest first" sorts
-- without visiting the registry's tables; names are read for the page only.
CREATE INDEX visit_targets_path ON visit_targets(plan_id, unit_path, unit_id, first_due_at, done_at, retry_at,
                                                 followup, target_id, lat, lon);
CREATE INDEX visit_targets_seen ON visit_targets(plan_id, seen_at);

CREATE TABLE visits (
  id {{ID}},
  client_uuid TEXT NOT NULL UNIQUE,
  plan_id BIGINT NOT NULL REFERENCES visit_plans(id),
  form_id BIGINT NOT NULL,
  form_version INTEGER NOT NULL,
  target_kind TEXT NOT NULL,
  target_id BIGINT NOT NULL,
  unit_id BIGINT NOT NULL,
  unit_path {{TEXTKEY}} NOT NULL,
  worker_id BIGINT NOT NULL REFERENCES users(id),
  outcome TEXT NOT NULL,
  answers TEXT NOT NULL,
  lat DOUBLE PRECISION,
  lon DOUBLE PRECISION,
  visited_at BIGINT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX visits_target ON visits(target_kind, target_id, visited_at);
CREATE INDEX visits_path ON visits(unit_path, visited_at);
CREATE INDEX visits_worker ON visits(worker_id, visited_at);

-- The hazard ledger: a hazard case's registry side (which visit found it,
-- at which household or place, who must put it right, how often a
-- re-inspection failed). The case itself is the engine's.
CREATE TABLE hazards (
  case_id BIGINT PRIMARY KEY REFERENCES cases(id),
  visit_id BIGINT REFERENCES visits(id),
  plan_id BIGINT,
  target_kind TEXT,
  target_id BIGINT,
  unit_path {{TEXTKEY}} NOT NULL,
  owner TEXT,
  question TEXT,
  label TEXT,
  failures INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL
);
CREATE INDEX hazards_path ON hazards(unit_path, created_at);
CREATE INDEX hazards_visit ON hazards(visit_id);

-- A case's own resolve clock in working days, set at intake when a rule
-- says how long to rectify (a hazard_if's days), instead of its category's.
ALTER TABLE cases ADD COLUMN rule_workdays INTEGER;

-- The categories inspections raise (CATEGORIES.md's 06 and 07): checked on
-- site again before they count (verify), in working days.
INSERT INTO categories(code, name, parent_code, case_type, accept_hours, resolve_hours, resp_kind, resp_value,
                       created_at, updated_at)
  VALUES ('0605', '入户燃气安全隐患', '06', 'hazard', 2, 72, 'unit_name', '燃气公司', 0, 0);
INSERT INTO categories(code, name, parent_code, case_type, accept_hours, resolve_hours, resp_kind, resp_value,
                       created_at, updated_at)
  VALUES ('0606', '九小场所安全隐患', '06', 'hazard', 2, 168, 'unit_kind', 'street', 0, 0);
INSERT INTO categories(code, name, parent_code, case_type, accept_hours, resolve_hours, resp_kind, resp_value,
                       created_at, updated_at)
  VALUES ('0707', '独居老人照护需求', '07', 'hazard', 2, 24, 'unit_kind', 'community', 0, 0);
INSERT INTO categories(code, name, parent_code, case_type, accept_hours, resolve_hours, resp_kind, resp_value,
                       created_at, updated_at)
  VALUES ('0708', '独居老人探访中断', '07', 'hazard', 1, 24, 'unit_kind', 'community', 0, 0);
UPDATE categories SET verify = 1 WHERE code IN ('0605', '0606', '0707');
UPDATE categories SET resolve_workdays = 3 WHERE code = '0605';
UPDATE categories SET resolve_workdays = 5 WHERE code = '0606';
