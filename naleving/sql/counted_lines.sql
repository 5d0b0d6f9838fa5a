-- What each accepted, non-superseded line contributes to each commitment of its contract:
-- an amount (hours or euros) for cumulative kinds, numerator/denominator for share kinds.
-- Recomputed only for the contracts whose inputs changed since the last evaluation (their
-- register rows, valuation table, report groups, or the rules); counted_lines (views.sql)
-- takes the lines whose period ended by the evaluation's date (SPEC 3).
-- Variables: run_id, as_of. The run's code and rule version are part of every fingerprint.

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
INSERT INTO social_return_valued BY NAME SELECT * FROM social_return_valuation;  -- of the changed contracts

DELETE FROM line_contributions WHERE contract_id IN (SELECT contract_id FROM changed_contracts);
INSERT INTO line_contributions BY NAME
WITH changed AS (
    SELECT m.* FROM commitments m SEMI JOIN changed_contracts USING (contract_id)
)
SELECT m.contract_id, m.commitment_id, l.submission_id, l.source_row, l.period_end,
       CASE WHEN m.metric = 'hours' THEN l.counted_hours ELSE l.value_eur END AS amount,
       NULL::DOUBLE AS numerator, NULL::DOUBLE AS denominator
FROM changed m JOIN social_return_valued l USING (contract_id)
WHERE m.kind = 'social_return'
UNION ALL
-- Recycled tonnes without evidence count as 0; their delivered tonnes still count.
SELECT m.contract_id, m.commitment_id, l.submission_id, l.source_row, l.period_end, NULL,
       CASE WHEN l.evidence_ref IS NOT NULL THEN l.recycled_tonnes ELSE 0 END,
       l.delivered_tonnes
FROM changed m JOIN recycled_material_lines_marked l USING (contract_id)
WHERE m.kind = 'recycled_material' AND NOT l.superseded
  AND (m.scope = 'all' OR l.material = m.scope)
UNION ALL
SELECT m.contract_id, m.commitment_id, l.submission_id, l.source_row, l.period_end, NULL,
       CASE WHEN l.energy_source IN ('electric', 'hydrogen') THEN l.hours ELSE 0 END,
       l.hours
FROM changed m JOIN zero_emission_equipment_lines_marked l USING (contract_id)
WHERE m.kind = 'zero_emission_equipment' AND NOT l.superseded
  AND CASE m.scope
        WHEN 'all'    THEN true
        WHEN '<19'    THEN l.power_kw < 19
        WHEN '19-37'  THEN l.power_kw >= 19 AND l.power_kw < 37
        WHEN '37-56'  THEN l.power_kw >= 37 AND l.power_kw < 56
        WHEN '56-130' THEN l.power_kw >= 56 AND l.power_kw < 130
        WHEN '>=130'  THEN l.power_kw >= 130
      END;

INSERT INTO unpublished_contracts SELECT contract_id FROM changed_contracts ON CONFLICT DO NOTHING;
DELETE FROM evaluated_contracts WHERE contract_id IN (SELECT contract_id FROM changed_contracts);
INSERT INTO evaluated_contracts SELECT * FROM contract_inputs SEMI JOIN changed_contracts USING (contract_id);
DELETE FROM last_evaluation;
INSERT INTO last_evaluation VALUES (getvariable('run_id'), getvariable('as_of')::DATE);
