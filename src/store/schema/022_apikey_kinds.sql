-- 022_apikey_kinds.sql: an API key's kind says which routes it opens
-- (open311: GeoReport; telephony: the press-9 gateway's), and its unit is
-- its jurisdiction: a request it files that cannot be located goes to that
-- unit's desk (P10).
ALTER TABLE api_keys ADD COLUMN kind TEXT NOT NULL DEFAULT 'open311';
ALTER TABLE api_keys ADD COLUMN unit_id BIGINT REFERENCES units(id);
