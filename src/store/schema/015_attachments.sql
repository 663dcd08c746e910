-- 015_attachments.sql: photos and files on a case (P8).
--
-- One row per file: what it is, where it belongs, the served copy's hash.
-- The bytes are in attachment_parts, 256 KiB a row, so a download streams
-- part by part (a statement each) instead of holding a 10 MB value in
-- memory twice, the same on SQLite and PostgreSQL; one backup holds them.
-- The served copy of an image was written again by libvips without
-- metadata (src/media/): the uploaded bytes with their EXIF are never kept.
-- The thumbnail is small (a 320 px JPEG) and sits on the row.
CREATE TABLE attachments (
  id {{ID}},
  case_id BIGINT NOT NULL REFERENCES cases(id),
  stage TEXT NOT NULL,
  name TEXT,
  content_type TEXT NOT NULL,
  bytes BIGINT NOT NULL,
  sha256 TEXT NOT NULL,
  width INTEGER,
  height INTEGER,
  parts INTEGER NOT NULL,
  thumb {{BLOB}},
  created_by BIGINT REFERENCES users(id),
  created_at BIGINT NOT NULL
);
CREATE INDEX attachments_case ON attachments(case_id, stage, id);

CREATE TABLE attachment_parts (
  attachment_id BIGINT NOT NULL REFERENCES attachments(id),
  seq INTEGER NOT NULL,
  data {{BLOB}} NOT NULL,
  PRIMARY KEY (attachment_id, seq)
);

-- Categories: the handler must show the repaired thing (an after-photo
-- before resolve), and a grid worker may resolve on the spot (即知即办)
-- what they reported in their own grid.
ALTER TABLE categories ADD COLUMN photo_on_resolve INTEGER NOT NULL DEFAULT 0;
ALTER TABLE categories ADD COLUMN on_spot INTEGER NOT NULL DEFAULT 0;

-- The desk's repeat-call path: a caller's cases by phone. The phone stays
-- as it was typed; reporter_key is its digits with a leading +86 / 0086
-- dropped (store/repo_cases.c writes it on insert, lx_phone_key), so
-- "139-1234-5678" and "+86 139 1234 5678" are one caller.
ALTER TABLE cases ADD COLUMN reporter_key TEXT;
UPDATE cases SET reporter_key = REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(reporter_phone,
  '-', ''), ' ', ''), '+', ''), '(', ''), ')', '') WHERE reporter_phone IS NOT NULL;
UPDATE cases SET reporter_key = SUBSTR(reporter_key, 5) WHERE reporter_key LIKE '0086%';
UPDATE cases SET reporter_key = SUBSTR(reporter_key, 3)
  WHERE reporter_key LIKE '861%' AND LENGTH(reporter_key) = 13;
CREATE INDEX cases_reporter_key ON cases(reporter_key, id);
