-- 018_case_free_files (SQLite): a visit's photos are attachments too (P9).
-- A grid worker takes them before the visit is sent (offline, often), so
-- they belong to no case yet: case_id may be NULL (019's visit_photos says
-- which visit took them in). SQLite cannot drop a NOT NULL, so both tables are
-- made again; the parts' table is made against the new one first, so
-- dropping the old tables finds nothing referring to them, and the rename
-- carries the reference along.
CREATE TABLE attachments_new (
  id {{ID}},
  case_id BIGINT REFERENCES cases(id),
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
INSERT INTO attachments_new(id, case_id, stage, name, content_type, bytes, sha256, width, height, parts, thumb,
                            created_by, created_at)
  SELECT id, case_id, stage, name, content_type, bytes, sha256, width, height, parts, thumb, created_by, created_at
  FROM attachments;
CREATE TABLE attachment_parts_new (
  attachment_id BIGINT NOT NULL REFERENCES attachments_new(id),
  seq INTEGER NOT NULL,
  data {{BLOB}} NOT NULL,
  PRIMARY KEY (attachment_id, seq)
);
INSERT INTO attachment_parts_new SELECT attachment_id, seq, data FROM attachment_parts;
DROP TABLE attachment_parts;
DROP TABLE attachments;
ALTER TABLE attachments_new RENAME TO attachments;
ALTER TABLE attachment_parts_new RENAME TO attachment_parts;
CREATE INDEX attachments_case ON attachments(case_id, stage, id);
