-- 010_units_bbox.sql: an index of the units' bounding boxes. Locating a
-- point (every intake with a location, and /locate) asks for the units
-- whose box holds it; without this index that read every row of units,
-- and a row carries its GeoJSON boundary, so at 4,440 units an intake
-- read some 17 MB of pages (docs/performance.md). The index holds only
-- the four numbers (partial: units with a boundary), so the box test runs
-- in the index and only the few candidates are fetched.
CREATE INDEX units_bbox ON units(min_lon, max_lon, min_lat, max_lat) WHERE boundary IS NOT NULL;
