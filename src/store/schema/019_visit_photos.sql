-- 019_visit_photos.sql: which visit took a photo in (P9). The photo is an
-- attachment uploaded by its worker before the visit is sent (no case:
-- 018); the visit claims it; a hazard the visit raises shows it on its
-- case (attachments.case_id is set then).
CREATE TABLE visit_photos (
  attachment_id BIGINT PRIMARY KEY REFERENCES attachments(id),
  visit_id BIGINT NOT NULL REFERENCES visits(id)
);
CREATE INDEX visit_photos_visit ON visit_photos(visit_id);
