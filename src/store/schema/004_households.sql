-- 004_households.sql: the people side of the grid ("人、地、事、物、组织"):
-- households registered in a grid and their residents. Phones and ID numbers
-- are personal data: the API masks them in lists and never logs them.
CREATE TABLE households (
  id {{ID}},
  unit_id BIGINT NOT NULL REFERENCES units(id),
  unit_path {{TEXTKEY}} NOT NULL,
  address TEXT NOT NULL,
  members INTEGER NOT NULL,
  elderly_alone INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL
);
CREATE INDEX households_path ON households(unit_path);

CREATE TABLE residents (
  id {{ID}},
  household_id BIGINT NOT NULL REFERENCES households(id),
  name TEXT NOT NULL,
  phone TEXT,
  id_number TEXT,
  birth_year INTEGER,
  created_at BIGINT NOT NULL
);
CREATE INDEX residents_household ON residents(household_id);
