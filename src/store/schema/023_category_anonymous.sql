-- 023_category_anonymous.sql: whether a category may be filed anonymously
-- (P10, the residents' page). A matter that is one person's own (their
-- benefits, their wages, a dispute to mediate, an elderly parent's care)
-- cannot be handled without knowing whose it is, so those refuse it; a
-- street light or a noisy site can be reported by anybody.
ALTER TABLE categories ADD COLUMN anonymous_ok INTEGER NOT NULL DEFAULT 1;
UPDATE categories SET anonymous_ok = 0 WHERE code IN ('0701', '0702', '0703', '0704', '0801', '0802', '0803');
