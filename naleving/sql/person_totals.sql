-- Keeps person_totals (schema.sql) once an evaluation valued its lines (social_return_valued.sql):
-- a changed contract's people have the sums of their lines valued anew; a touched person's
-- add those to the hours and latest period start before (valuation_starts). A person
-- without valued lines has none.
DELETE FROM person_totals WHERE contract_id IN (SELECT contract_id FROM changed_contracts);
DELETE FROM person_totals t USING valuation_starts s WHERE t.person_key = person_key(s.contract_id, s.person_ref);
INSERT INTO person_totals BY NAME
SELECT *, person_key(contract_id, person_ref) AS person_key FROM (
    SELECT coalesce(n.contract_id, s.contract_id) AS contract_id, coalesce(n.person_ref, s.person_ref) AS person_ref,
           coalesce(s.hours_before, 0) + coalesce(n.hours, 0) AS hours, greatest(n.last_start, s.last_start_before) AS last_start
    FROM person_sums('social_return_valued_anew') n
    FULL JOIN valuation_starts s ON s.contract_id = n.contract_id AND s.person_ref IS NOT DISTINCT FROM n.person_ref
    WHERE n.contract_id IS NOT NULL OR s.last_start_before IS NOT NULL
);
