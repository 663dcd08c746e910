-- 001_init.sql: the grid tree, users, categories and cases.
-- Portable SQL for SQLite and PostgreSQL. {{ID}} becomes the driver's
-- auto-increment primary key; {{TEXTKEY}} a byte-ordered text type so that
-- materialised-path range scans use the index on both drivers.
-- Times are integer milliseconds since the Unix epoch (UTC).

CREATE TABLE units (
  id {{ID}},
  parent_id BIGINT REFERENCES units(id),
  kind TEXT NOT NULL,
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  path {{TEXTKEY}} NOT NULL,
  depth INTEGER NOT NULL,
  boundary TEXT,
  min_lon DOUBLE PRECISION, min_lat DOUBLE PRECISION,
  max_lon DOUBLE PRECISION, max_lat DOUBLE PRECISION,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX units_parent ON units(parent_id);
CREATE INDEX units_path ON units(path);
CREATE INDEX units_kind_name ON units(kind, name);

CREATE TABLE users (
  id {{ID}},
  login TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  roles TEXT NOT NULL,
  unit_id BIGINT REFERENCES units(id), -- NULL: the whole system (the first admin)
  phone TEXT,
  active INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX users_unit ON users(unit_id);

CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users(id),
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  revoked_at BIGINT
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE categories (
  code TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  parent_code TEXT REFERENCES categories(code),
  case_type TEXT NOT NULL,
  accept_hours DOUBLE PRECISION NOT NULL,
  resolve_hours DOUBLE PRECISION NOT NULL,
  resp_kind TEXT,
  resp_value TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);

CREATE TABLE cases (
  id {{ID}},
  type TEXT NOT NULL,
  channel TEXT NOT NULL,
  status TEXT NOT NULL,
  category_code TEXT REFERENCES categories(code),
  title TEXT NOT NULL,
  description TEXT NOT NULL,
  lat DOUBLE PRECISION,
  lon DOUBLE PRECISION,
  address TEXT,
  unit_id BIGINT REFERENCES units(id),
  unit_path {{TEXTKEY}},
  handler_unit_id BIGINT REFERENCES units(id),
  scope_path {{TEXTKEY}} NOT NULL,
  urgent INTEGER NOT NULL DEFAULT 0,
  reporter_name TEXT,
  reporter_phone TEXT,
  reporter_anonymous INTEGER NOT NULL DEFAULT 0,
  created_by BIGINT REFERENCES users(id),
  created_at BIGINT NOT NULL,
  first_dispatched_at BIGINT,
  dispatched_at BIGINT,
  accept_due_at BIGINT,
  resolve_due_at BIGINT,
  accepted_at BIGINT,
  resolved_at BIGINT,
  closed_at BIGINT,
  reply TEXT,
  rating TEXT,
  solved INTEGER,
  rated_at BIGINT,
  accept_overdue INTEGER NOT NULL DEFAULT 0,
  overdue INTEGER NOT NULL DEFAULT 0,
  supervised INTEGER NOT NULL DEFAULT 0,
  version INTEGER NOT NULL DEFAULT 1,
  updated_at BIGINT NOT NULL
);
CREATE INDEX cases_scope ON cases(scope_path, created_at);
CREATE INDEX cases_unit ON cases(unit_path, created_at);
CREATE INDEX cases_open_due ON cases(status, resolve_due_at);
CREATE INDEX cases_created ON cases(created_at);

-- The timeline: append-only, never updated or deleted.
CREATE TABLE case_events (
  id {{ID}},
  case_id BIGINT NOT NULL REFERENCES cases(id),
  at BIGINT NOT NULL,
  actor_id BIGINT,
  action TEXT NOT NULL,
  from_status TEXT,
  to_status TEXT,
  unit_id BIGINT,
  note TEXT
);
CREATE INDEX case_events_case ON case_events(case_id, id);

-- Parallel sub-tasks created by `assist`.
CREATE TABLE case_tasks (
  id {{ID}},
  case_id BIGINT NOT NULL REFERENCES cases(id),
  unit_id BIGINT NOT NULL REFERENCES units(id),
  unit_path {{TEXTKEY}} NOT NULL,
  status TEXT NOT NULL,
  note TEXT,
  created_at BIGINT NOT NULL,
  done_at BIGINT,
  done_by BIGINT
);
CREATE INDEX case_tasks_case ON case_tasks(case_id);
CREATE INDEX case_tasks_unit ON case_tasks(unit_path, status);
