-- Keeps person_totals (schema.sql) once an evaluation's slices valued their lines
-- (social_return_valued.sql): a changed contract's people have the totals of the lines valued
-- now; a touched person's add those to the hours and last line before (valuation_starts),
-- all of which come before. A person without valued lines has none.
DELETE FROM person_totals WHERE contract_id IN (SELECT contract_id FROM changed_contracts);
DELETE FROM person_totals t USING valuation_starts s
WHERE t.contract_id = s.contract_id AND t.person_ref IS NOT DISTINCT FROM s.person_ref;
INSERT INTO person_totals
SELECT contract_id, person_ref, sum(hours), max(last_line)
FROM (SELECT contract_id, person_ref, hours_before AS hours, last_before AS last_line FROM valuation_starts
      UNION ALL
      SELECT * FROM valued_now)
GROUP BY ALL
HAVING max(last_line) IS NOT NULL;
