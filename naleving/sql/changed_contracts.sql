-- The contracts an evaluation recomputes (changed_contracts): those whose inputs changed since
-- the last evaluation (their register rows, valuation table, report groups, or the rules).
-- Their valued lines are cleared here and valued again (social_return_valued.sql), then their
-- contributions recomputed (counted_lines.sql).
-- Variable: run_id. The run's code and rule version are part of every fingerprint.

-- A contract's inputs, as one fingerprint. Each part is the sum of its rows' hashes: it
-- needs no ordering and no text of a whole history in memory, and changes when any row does.
CREATE OR REPLACE TEMP TABLE contract_inputs AS
WITH promised AS (
    SELECT contract_id, sum(hash(m::VARCHAR)) AS text FROM commitments m GROUP BY ALL
), valuation AS (
    SELECT table_id, sum(hash(v::VARCHAR)) AS text FROM block_values v GROUP BY ALL
), groups AS (
    SELECT contract_id,
           sum(hash(concat_ws(',', submission_id, report_type, period_start, period_end, superseded))) AS text
    FROM report_groups GROUP BY ALL
)
SELECT k.contract_id,
       md5(concat_ws('#', r.code_version, r.rule_version, k::VARCHAR, p.text, v.text, g.text)) AS fingerprint
FROM contracts k
JOIN runs r ON r.run_id = getvariable('run_id')
LEFT JOIN promised p USING (contract_id)
LEFT JOIN valuation v ON v.table_id = k.block_table
LEFT JOIN groups g USING (contract_id);

DELETE FROM changed_contracts;
INSERT INTO changed_contracts
SELECT i.contract_id FROM contract_inputs i LEFT JOIN evaluated_contracts e USING (contract_id)
WHERE e.fingerprint IS DISTINCT FROM i.fingerprint
UNION
SELECT contract_id FROM evaluated_contracts WHERE contract_id NOT IN (SELECT contract_id FROM contracts);

DELETE FROM social_return_valued WHERE contract_id IN (SELECT contract_id FROM changed_contracts);
