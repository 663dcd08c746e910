-- 011_engine.sql: what the workflow engine (src/flow/) keeps, and the
-- working-day calendar.
--
-- Categories may count a clock in working days instead of hours, require
-- verification (核查) of resolved work, make a handler's suspension wait for
-- the desk, and cap the extensions a case may be granted.
ALTER TABLE categories ADD COLUMN accept_workdays INTEGER;
ALTER TABLE categories ADD COLUMN resolve_workdays INTEGER;
ALTER TABLE categories ADD COLUMN verify INTEGER NOT NULL DEFAULT 0;
ALTER TABLE categories ADD COLUMN suspend_approval INTEGER NOT NULL DEFAULT 0;
ALTER TABLE categories ADD COLUMN max_extensions INTEGER NOT NULL DEFAULT 1;

-- A case's bookkeeping for suspension (挂起), extension (延期), verification,
-- appeals (申诉), exclusion from the rated figures and merging of duplicates.
-- The JSON columns are small arrays the case reply shows as they are; the
-- timeline holds every step as well.
ALTER TABLE cases ADD COLUMN pending TEXT;
ALTER TABLE cases ADD COLUMN suspended_at BIGINT;
ALTER TABLE cases ADD COLUMN suspended_until BIGINT;
ALTER TABLE cases ADD COLUMN suspended_ms BIGINT NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN excluded INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN merged_into BIGINT REFERENCES cases(id);
ALTER TABLE cases ADD COLUMN accept_workdays INTEGER;
ALTER TABLE cases ADD COLUMN resolve_workdays INTEGER;
ALTER TABLE cases ADD COLUMN resolve_basis_at BIGINT;
ALTER TABLE cases ADD COLUMN resolve_extra_ms BIGINT NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN extensions TEXT;
ALTER TABLE cases ADD COLUMN suspensions TEXT;
ALTER TABLE cases ADD COLUMN verifications TEXT;
ALTER TABLE cases ADD COLUMN appeals TEXT;
ALTER TABLE cases ADD COLUMN appealed_at BIGINT;
ALTER TABLE cases ADD COLUMN status_note TEXT;
ALTER TABLE cases ADD COLUMN status_by BIGINT;
ALTER TABLE cases ADD COLUMN status_unit_id BIGINT;
CREATE INDEX cases_merged ON cases(merged_into) WHERE merged_into IS NOT NULL;
CREATE INDEX cases_suspended ON cases(suspended_until) WHERE suspended_until IS NOT NULL;
CREATE INDEX cases_workdays ON cases(id) WHERE accept_workdays IS NOT NULL OR resolve_workdays IS NOT NULL;

-- Every event says what its input was (beyond its note) and which
-- deadlines it set.
ALTER TABLE case_events ADD COLUMN input TEXT;
ALTER TABLE case_events ADD COLUMN accept_due_at BIGINT;
ALTER TABLE case_events ADD COLUMN resolve_due_at BIGINT;

-- Cases excluded from the rated figures are counted per day and month too.
ALTER TABLE stats_unit_day ADD COLUMN excluded BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_cat_day ADD COLUMN excluded BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_unit_month ADD COLUMN excluded BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_cat_month ADD COLUMN excluded BIGINT NOT NULL DEFAULT 0;

-- The working-day calendar: a day nobody set is a workday Monday to Friday
-- and a rest day otherwise; a row says otherwise (a holiday, a make-up
-- workday on a weekend, 调休). Days are local dates 'YYYY-MM-DD'. Loaded
-- with the State Council's notices for 2025 (国办发明电〔2024〕12号) and
-- 2026 (notice of 2025-11-04); admins edit it (PUT /api/v1/calendar).
CREATE TABLE calendar_days (
  day TEXT PRIMARY KEY,
  workday INTEGER NOT NULL,
  note TEXT,
  updated_at BIGINT NOT NULL,
  updated_by BIGINT
);
INSERT INTO calendar_days(day, workday, note, updated_at) VALUES ('2025-01-01', 0, '元旦放假', 0);
INSERT INTO calendar_days(day, workday, note, updated_at) VALUES ('2025-01-26', 1, '春节调休上班', 0);
INSERT INTO calendar_days(day, workday, note, updated_at) VALUES ('2025-01-28', 0, '春节放假', 0);
INSERT INTO calendar_days(day, workday, note, updated_at) VALUES ('2025-01-29', 0, '春节放假', 0);
INSERT INTO calendar_days(day, workday, note, updated_at) VALUES ('2025-01-30', 0, '春节放假', 0);
INSERT INTO calendar_days(day, workday, note, updated_at) VALUES ('2025-01-31', 0, '春节放假', 0);
INSERT INTO calendar_days(day, workday, note, updated_at) VALUES ('2025-02-01', 0, '春节放假', 0);
INSERT INTO calendar_days(day, workday, note, updated_at) VALUES ('2025-02-02', 0, '春节放假', 0);
INSERT INTO calendar_days(day, workday, note, updated_at) VALUES ('2025-02-03', 0, '春节放假', 0);
INSERT INTO calendar_days(day, workday, note, updated_at) VALUES ('2025-02-04', 0, '春节放假', 0);
INSERT INTO calendar_days(day, workday, note, updated_at) VALUES ('2025-02-08', 1, '春节调休上班', 0);
INSERT INTO calendar_days(day, workday, note, updated_at) VALUES ('2025-04-04', 0, '清明节放假', 0);
INSERT INTO calendar_days(day, workday, note, updated_at) VALUES ('2025-04-05', 0, '清明节放假', 0);
INSERT INTO calendar_days(day, workday, note, updated_at) VALUES ('2025-04-06', 0, '清明节放假', 0);
INSERT INTO calendar_days(day, workday, note, updated_at) VALUES ('2025-04-27', 1, '劳动节调休上班', 0);
INSERT INTO calendar_days(day, workday, note, updated_at) VALUES ('2025-05-01', 0, '劳动节放假', 0);
INSERT INTO calendar_days(day, workday, note, updated_at) VALUES ('2025-05-02', 0, '劳动节放假', 0);
INSERT INTO calendar_days(day, workday, note, updated_at) VALUES ('2025-05-03', 0, '劳动节放假', 0);
INSERT INTO calendar_days(day, workday, note, updated_at) VALUES ('2025-05-04', 0, '劳动节放假', 0);
INSERT INTO calendar_days(day, workday, note, updated_at) VALUES ('2025-05-05', 0, '劳动节放假', 0);
INSERT INTO calendar_days(day, workday, note, updated_at) VALUES ('2025-05-31', 0, '端午节放假', 0);
INSERT INTO calendar_days(day, workday, note, updated_at) VALUES ('2025-06-01', 0, '端午节放假', 0);
INSERT INTO calendar_days(day, workday, note, updated_at) VALUES ('2025-06-02', 0, '端午节放假', 0);
INSERT INTO calendar_days(day, workday, note, updated_at) VALUES ('2025-09-28', 1, '国庆节、中秋节调休上班', 0);
INSERT INTO calendar_days(day, workday, note, updated_at) VALUES ('2025-10-01', 0, '国庆节、中秋节放假', 0);
INSERT INTO calendar_days(day, workday, note, updated_at) VALUES ('2025-10-02', 0, '国庆节、中秋节放假', 0);
INSERT INTO calendar_days(day, workday, note, updated_at) VALUES ('2025-10-03', 0, '国庆节、中秋节放假', 0);
INSERT INTO calendar_days(day, workday, note, updated_at) VALUES ('2025-10-04', 0, '国庆节、中秋节放假', 0);
INSERT INTO calendar_days(day, workday, note, updated_at) VALUES ('2025-10-05', 0, '国庆节、中秋节放假', 0);
INSERT INTO calendar_days(day, workday, note, updated_at) VALUES ('2025-10-06', 0, '国庆节、中秋节放假', 0);
INSERT INTO calendar_days(day, workday, note, updated_at) VALUES ('2025-10-07', 0, '国庆节、中秋节放假', 0);
INSERT INTO calendar_days(day, workday, note, updated_at) VALUES ('2025-10-08', 0, '国庆节、中秋节放假', 0);
INSERT INTO calendar_days(day, workday, note, updated_at) VALUES ('2025-10-11', 1, '国庆节、中秋节调休上班', 0);
INSERT INTO calendar_days(day, workday, note, updated_at) VALUES ('2026-01-01', 0, '元旦放假', 0);
INSERT INTO calendar_days(day, workday, note, updated_at) VALUES ('2026-01-02', 0, '元旦放假', 0);
INSERT INTO calendar_days(day, workday, note, updated_at) VALUES ('2026-01-03', 0, '元旦放假', 0);
INSERT INTO calendar_days(day, workday, note, updated_at) VALUES ('2026-01-04', 1, '元旦调休上班', 0);
INSERT INTO calendar_days(day, workday, note, updated_at) VALUES ('2026-02-14', 1, '春节调休上班', 0);
INSERT INTO calendar_days(day, workday, note, updated_at) VALUES ('2026-02-15', 0, '春节放假', 0);
INSERT INTO calendar_days(day, workday, note, updated_at) VALUES ('2026-02-16', 0, '春节放假', 0);
INSERT INTO calendar_days(day, workday, note, updated_at) VALUES ('2026-02-17', 0, '春节放假', 0);
INSERT INTO calendar_days(day, workday, note, updated_at) VALUES ('2026-02-18', 0, '春节放假', 0);
INSERT INTO calendar_days(day, workday, note, updated_at) VALUES ('2026-02-19', 0, '春节放假', 0);
INSERT INTO calendar_days(day, workday, note, updated_at) VALUES ('2026-02-20', 0, '春节放假', 0);
INSERT INTO calendar_days(day, workday, note, updated_at) VALUES ('2026-02-21', 0, '春节放假', 0);
INSERT INTO calendar_days(day, workday, note, updated_at) VALUES ('2026-02-22', 0, '春节放假', 0);
INSERT INTO calendar_days(day, workday, note, updated_at) VALUES ('2026-02-23', 0, '春节放假', 0);
INSERT INTO calendar_days(day, workday, note, updated_at) VALUES ('2026-02-28', 1, '春节调休上班', 0);
INSERT INTO calendar_days(day, workday, note, updated_at) VALUES ('2026-04-04', 0, '清明节放假', 0);
INSERT INTO calendar_days(day, workday, note, updated_at) VALUES ('2026-04-05', 0, '清明节放假', 0);
INSERT INTO calendar_days(day, workday, note, updated_at) VALUES ('2026-04-06', 0, '清明节放假', 0);
INSERT INTO calendar_days(day, workday, note, updated_at) VALUES ('2026-05-01', 0, '劳动节放假', 0);
INSERT INTO calendar_days(day, workday, note, updated_at) VALUES ('2026-05-02', 0, '劳动节放假', 0);
INSERT INTO calendar_days(day, workday, note, updated_at) VALUES ('2026-05-03', 0, '劳动节放假', 0);
INSERT INTO calendar_days(day, workday, note, updated_at) VALUES ('2026-05-04', 0, '劳动节放假', 0);
INSERT INTO calendar_days(day, workday, note, updated_at) VALUES ('2026-05-05', 0, '劳动节放假', 0);
INSERT INTO calendar_days(day, workday, note, updated_at) VALUES ('2026-05-09', 1, '劳动节调休上班', 0);
INSERT INTO calendar_days(day, workday, note, updated_at) VALUES ('2026-06-19', 0, '端午节放假', 0);
INSERT INTO calendar_days(day, workday, note, updated_at) VALUES ('2026-06-20', 0, '端午节放假', 0);
INSERT INTO calendar_days(day, workday, note, updated_at) VALUES ('2026-06-21', 0, '端午节放假', 0);
INSERT INTO calendar_days(day, workday, note, updated_at) VALUES ('2026-09-20', 1, '国庆节调休上班', 0);
INSERT INTO calendar_days(day, workday, note, updated_at) VALUES ('2026-09-25', 0, '中秋节放假', 0);
INSERT INTO calendar_days(day, workday, note, updated_at) VALUES ('2026-09-26', 0, '中秋节放假', 0);
INSERT INTO calendar_days(day, workday, note, updated_at) VALUES ('2026-09-27', 0, '中秋节放假', 0);
INSERT INTO calendar_days(day, workday, note, updated_at) VALUES ('2026-10-01', 0, '国庆节放假', 0);
INSERT INTO calendar_days(day, workday, note, updated_at) VALUES ('2026-10-02', 0, '国庆节放假', 0);
INSERT INTO calendar_days(day, workday, note, updated_at) VALUES ('2026-10-03', 0, '国庆节放假', 0);
INSERT INTO calendar_days(day, workday, note, updated_at) VALUES ('2026-10-04', 0, '国庆节放假', 0);
INSERT INTO calendar_days(day, workday, note, updated_at) VALUES ('2026-10-05', 0, '国庆节放假', 0);
INSERT INTO calendar_days(day, workday, note, updated_at) VALUES ('2026-10-06', 0, '国庆节放假', 0);
INSERT INTO calendar_days(day, workday, note, updated_at) VALUES ('2026-10-07', 0, '国庆节放假', 0);
INSERT INTO calendar_days(day, workday, note, updated_at) VALUES ('2026-10-10', 1, '国庆节调休上班', 0);
