-- 007_scope_fill.sql: fills case_scope (006) from the cases, and is run
-- again by lx_scope_rebuild after a bulk load (store/repo_scope.c).
--
-- case_scope holds one row (unit, status, case) for every unit in which a
-- case is visible: each unit on the path of its handling unit (scope_path),
-- of its location (unit_id) and of every unit asked to assist (case_tasks).
-- A list in a scope then walks one index range, (unit, status) equal and
-- case ids descending, instead of a range of paths that cannot be read in
-- id order. The whole system (scope '/') has no rows: it sees every case.
WITH RECURSIVE anc(unit_id, anc_id) AS (
  SELECT id, id FROM units
  UNION ALL
  SELECT a.unit_id, u.parent_id FROM anc a JOIN units u ON u.id = a.anc_id
  WHERE u.parent_id IS NOT NULL
),
vis(case_id, unit_id) AS (
  SELECT c.id, u.id FROM cases c JOIN units u ON u.path = c.scope_path
  UNION
  SELECT c.id, c.unit_id FROM cases c WHERE c.unit_id IS NOT NULL
  UNION
  SELECT t.case_id, t.unit_id FROM case_tasks t
)
INSERT INTO case_scope(unit_id, status, case_id)
SELECT DISTINCT a.anc_id, c.status, c.id
FROM vis v JOIN anc a ON a.unit_id = v.unit_id JOIN cases c ON c.id = v.case_id
ORDER BY 1, 2, 3;
