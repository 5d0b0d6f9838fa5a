-- What an evaluation recomputes, cleared by clear_recomputed.sql and computed again by
-- social_return_valued.sql and counted_lines.sql:
-- * whole contracts whose own inputs changed since the last evaluation: their register
--   rows, valuation table or the rules (changed_contracts);
-- * of the others, what the report groups ranked since then (unevaluated_group_keys) touch:
--   the lines of the files in those groups, and each of their people's social-return lines
--   from the first touched one on, the two-year cap running over a person's lines in order
--   (valuation_starts). A night so values its new lines, not a contract's whole history.
-- It writes only tables each evaluation fills afresh, so it commits apart from the evaluation:
-- DuckDB then plans the joins over evaluated_groups with their real size (rows not yet
-- committed have no statistics; the contributions' join so planned took twice as long).
-- Variable: run_id. The run's code and rule version are part of every fingerprint. Sets
-- lines_since: the arrival of the earliest evaluated group, from which on the evaluation
-- reads the lines (views.sql).

-- A contract's own inputs, as one fingerprint. Each part is the sum of its rows' hashes:
-- it needs no ordering, and changes when any row does.
CREATE OR REPLACE TEMP TABLE contract_inputs AS
WITH promised AS (
    SELECT contract_id, sum(hash(m::VARCHAR)) AS text FROM commitments m GROUP BY ALL
), valuation AS (
    SELECT table_id, sum(hash(v::VARCHAR)) AS text FROM block_values v GROUP BY ALL
)
SELECT k.contract_id,
       md5(concat_ws('#', r.code_version, r.rule_version, k::VARCHAR, p.text, v.text)) AS fingerprint
FROM contracts k
JOIN runs r ON r.run_id = getvariable('run_id')
LEFT JOIN promised p USING (contract_id)
LEFT JOIN valuation v ON v.table_id = k.block_table;

DELETE FROM changed_contracts;
INSERT INTO changed_contracts
SELECT i.contract_id FROM contract_inputs i LEFT JOIN evaluated_contracts e USING (contract_id)
WHERE e.fingerprint IS DISTINCT FROM i.fingerprint
UNION
SELECT contract_id FROM evaluated_contracts WHERE contract_id NOT IN (SELECT contract_id FROM contracts);

-- The report groups whose lines count again: all of a changed contract's, and all groups of
-- the files that hold a group under a key ranked since the last evaluation (replaced groups
-- included: their lines stop counting).
DELETE FROM evaluated_groups;
INSERT INTO evaluated_groups
SELECT * FROM report_groups WHERE contract_id IN (SELECT contract_id FROM changed_contracts)
UNION ALL
SELECT * FROM report_groups SEMI JOIN (
    SELECT submission_id, contract_id FROM report_groups
    SEMI JOIN unevaluated_group_keys USING (contract_id, report_type, period_start, period_end)
) USING (submission_id, contract_id)
WHERE contract_id NOT IN (SELECT contract_id FROM changed_contracts);
SET VARIABLE lines_since = (SELECT min(received_at) FROM evaluated_groups);

-- Each touched person's first touched line in the cap's order, outside changed contracts,
-- and whether their valued lines may come after it: those of its period or later ones
-- (person_totals; a person without valued lines has none).
CREATE OR REPLACE TEMP TABLE touched_groups AS
SELECT * FROM evaluated_groups WHERE contract_id NOT IN (SELECT contract_id FROM changed_contracts);
CREATE OR REPLACE TEMP TABLE first_lines AS
SELECT f.*, t.hours, t.last_start, f.first_line.period_start <= t.last_start AS reread
FROM (SELECT contract_id, person_ref, min(cap_order(period_start, period_end, submission_id, source_row)) AS first_line
      FROM marked_lines('social_return', 'social_return_lines_since', 'touched_groups')
      GROUP BY ALL) f
LEFT JOIN person_totals t ON t.person_key = person_key(f.contract_id, f.person_ref);
-- Only those people's valued lines are read: those before the first touched line keep their
-- value and are summed, the rest (valued_again) are valued again. Per person in one pass: the
-- joined lines, 2.7× as many on 4× the history, are not written out.
CREATE OR REPLACE TEMP TABLE valued_people AS
SELECT v.contract_id, v.person_ref,
       sum(person_hours(v.target_group, v.hours)) FILTER (WHERE NOT again) AS hours,
       max(v.period_start) FILTER (WHERE NOT again) AS last_start,
       list({'submission_id': v.submission_id, 'source_row': v.source_row}) FILTER (WHERE again) AS again
FROM (SELECT v.*, cap_order(v.period_start, v.period_end, v.submission_id, v.source_row) >= f.first_line AS again
      FROM social_return_valued v
      JOIN (SELECT * FROM first_lines WHERE reread) f
        ON f.contract_id = v.contract_id AND f.person_ref IS NOT DISTINCT FROM v.person_ref) v
GROUP BY ALL;
CREATE OR REPLACE TEMP TABLE valued_again AS
SELECT contract_id, unnest(again, recursive := true) FROM valued_people;

-- The others' valued lines all come before: their totals are their hours before.
DELETE FROM valuation_starts;
INSERT INTO valuation_starts
SELECT f.contract_id, f.person_ref, f.first_line,
       coalesce(CASE WHEN f.reread THEN v.hours ELSE f.hours END, 0),
       CASE WHEN f.reread THEN v.last_start ELSE f.last_start END
FROM first_lines f
LEFT JOIN valued_people v ON v.contract_id = f.contract_id AND v.person_ref IS NOT DISTINCT FROM f.person_ref;

-- The groups of the files valued again count again too.
INSERT INTO evaluated_groups
SELECT * FROM report_groups g SEMI JOIN (SELECT submission_id, contract_id FROM valued_again) USING (submission_id, contract_id)
WHERE NOT EXISTS (SELECT 1 FROM evaluated_groups e WHERE e.submission_id = g.submission_id AND e.contract_id = g.contract_id
                  AND e.report_type = g.report_type AND e.period_start = g.period_start AND e.period_end = g.period_end);
CREATE OR REPLACE TEMP TABLE evaluated_files AS SELECT DISTINCT submission_id, contract_id FROM evaluated_groups;
SET VARIABLE lines_since = (SELECT min(received_at) FROM evaluated_groups);
