-- 003_open311.sql: the Open311 GeoReport v2 endpoint (docs/open311.md).
-- API keys issued by admins (stored as a BLAKE2b hash, like session tokens),
-- the attribute definitions of services (data, one row per attribute and per
-- list value), what a GeoReport request carries beyond the case itself, the
-- tokens of queued requests, and the updates clients post back.
-- Portable SQL for SQLite and PostgreSQL; times are integer milliseconds.

CREATE TABLE api_keys (
  id {{ID}},
  name TEXT NOT NULL,
  key_hash TEXT NOT NULL UNIQUE,
  rate_limit INTEGER NOT NULL,          -- requests per minute
  created_by BIGINT REFERENCES users(id),
  created_at BIGINT NOT NULL,
  revoked_at BIGINT
);

-- Service definition attributes: a category's extra form fields.
CREATE TABLE open311_attributes (
  id {{ID}},
  category_code TEXT NOT NULL REFERENCES categories(code),
  code TEXT NOT NULL,
  datatype TEXT NOT NULL CHECK (datatype IN
    ('string', 'number', 'datetime', 'text', 'singlevaluelist', 'multivaluelist')),
  variable INTEGER NOT NULL DEFAULT 1,  -- 0: shown to the user only, never posted
  required INTEGER NOT NULL DEFAULT 0,
  datatype_description TEXT,
  ord INTEGER NOT NULL,                 -- the spec's `order`, 1 first
  description TEXT NOT NULL,
  UNIQUE (category_code, code),
  UNIQUE (category_code, ord)
);

CREATE TABLE open311_attribute_values (
  attribute_id BIGINT NOT NULL REFERENCES open311_attributes(id),
  value_key TEXT NOT NULL,
  name TEXT NOT NULL,
  ord INTEGER NOT NULL,
  PRIMARY KEY (attribute_id, value_key)
);

-- What a case filed through Open311 carries besides the case row.
CREATE TABLE open311_requests (
  case_id BIGINT PRIMARY KEY REFERENCES cases(id),
  api_key_id BIGINT NOT NULL REFERENCES api_keys(id),
  email TEXT,
  device_id TEXT,
  account_id TEXT,
  address_id TEXT,
  media_url TEXT,
  attributes TEXT,                      -- JSON object: code -> value or [values]
  created_at BIGINT NOT NULL
);

-- Tokens handed out for requests that were queued for a dispatcher.
CREATE TABLE open311_tokens (
  token TEXT PRIMARY KEY,
  case_id BIGINT NOT NULL REFERENCES cases(id),
  created_at BIGINT NOT NULL
);
CREATE INDEX open311_tokens_case ON open311_tokens(case_id);

-- Updates posted by clients (the FixMyStreet servicerequestupdates
-- extension). Each became one timeline event; a client's update_id is
-- unique per key, so a retried POST answers the same update.
CREATE TABLE open311_updates (
  id {{ID}},
  event_id BIGINT NOT NULL REFERENCES case_events(id),
  case_id BIGINT NOT NULL REFERENCES cases(id),
  api_key_id BIGINT NOT NULL REFERENCES api_keys(id),
  client_update_id TEXT NOT NULL,
  status TEXT NOT NULL,                 -- as sent: OPEN, CLOSED, FIXED, ...
  updated_datetime BIGINT NOT NULL,     -- when the client says it happened
  description TEXT NOT NULL,
  media_url TEXT,
  email TEXT,
  first_name TEXT,
  last_name TEXT,
  account_id TEXT,
  created_at BIGINT NOT NULL,
  UNIQUE (api_key_id, client_update_id)
);
CREATE INDEX open311_updates_event ON open311_updates(event_id);

-- GET servicerequestupdates reads the timeline by time.
CREATE INDEX case_events_at ON case_events(at);

-- 0101 暖气不热/停暖 carries one attribute of each datatype, plus one that only
-- informs (variable = 0).
INSERT INTO open311_attributes(category_code, code, datatype, variable, required, datatype_description, ord, description)
  VALUES ('0101', 'ROOM_TEMP', 'number', 1, 1, '摄氏度，例如 16.5', 1, '室内温度（℃）');
INSERT INTO open311_attributes(category_code, code, datatype, variable, required, datatype_description, ord, description)
  VALUES ('0101', 'HEATING_TYPE', 'singlevaluelist', 1, 1, NULL, 2, '供暖方式');
INSERT INTO open311_attributes(category_code, code, datatype, variable, required, datatype_description, ord, description)
  VALUES ('0101', 'ROOMS', 'multivaluelist', 1, 0, '可多选', 3, '哪些房间不热');
INSERT INTO open311_attributes(category_code, code, datatype, variable, required, datatype_description, ord, description)
  VALUES ('0101', 'SINCE', 'datetime', 1, 0, 'W3C 日期时间，例如 2026-01-10T08:00:00+08:00', 4, '从什么时候开始不热');
INSERT INTO open311_attributes(category_code, code, datatype, variable, required, datatype_description, ord, description)
  VALUES ('0101', 'BUILDING', 'string', 1, 0, '一行文字，例如 3号楼2单元', 5, '楼号和单元');
INSERT INTO open311_attributes(category_code, code, datatype, variable, required, datatype_description, ord, description)
  VALUES ('0101', 'DETAILS', 'text', 1, 0, '可换行', 6, '其他情况（是否已联系物业、家中是否有老人或婴儿等）');
INSERT INTO open311_attributes(category_code, code, datatype, variable, required, datatype_description, ord, description)
  VALUES ('0101', 'SEASON', 'string', 0, 0, NULL, 7, '供暖期为每年11月15日至次年3月15日，室温应不低于18℃。');

INSERT INTO open311_attribute_values(attribute_id, value_key, name, ord)
  VALUES ((SELECT id FROM open311_attributes WHERE category_code = '0101' AND code = 'HEATING_TYPE'), 'central', '集中供暖', 1);
INSERT INTO open311_attribute_values(attribute_id, value_key, name, ord)
  VALUES ((SELECT id FROM open311_attributes WHERE category_code = '0101' AND code = 'HEATING_TYPE'), 'gas', '燃气壁挂炉', 2);
INSERT INTO open311_attribute_values(attribute_id, value_key, name, ord)
  VALUES ((SELECT id FROM open311_attributes WHERE category_code = '0101' AND code = 'HEATING_TYPE'), 'electric', '电采暖', 3);
INSERT INTO open311_attribute_values(attribute_id, value_key, name, ord)
  VALUES ((SELECT id FROM open311_attributes WHERE category_code = '0101' AND code = 'ROOMS'), 'living', '客厅', 1);
INSERT INTO open311_attribute_values(attribute_id, value_key, name, ord)
  VALUES ((SELECT id FROM open311_attributes WHERE category_code = '0101' AND code = 'ROOMS'), 'bedroom', '卧室', 2);
INSERT INTO open311_attribute_values(attribute_id, value_key, name, ord)
  VALUES ((SELECT id FROM open311_attributes WHERE category_code = '0101' AND code = 'ROOMS'), 'kitchen', '厨房', 3);
INSERT INTO open311_attribute_values(attribute_id, value_key, name, ord)
  VALUES ((SELECT id FROM open311_attributes WHERE category_code = '0101' AND code = 'ROOMS'), 'bathroom', '卫生间', 4);
