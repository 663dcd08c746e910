-- 018_case_free_files (PostgreSQL): a visit's photos are attachments too
-- (P9): taken before the visit is sent, they belong to no case yet
-- (019's visit_photos says which visit took them in).
ALTER TABLE attachments ALTER COLUMN case_id DROP NOT NULL;
