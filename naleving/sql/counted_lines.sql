-- What each accepted, non-superseded recycled-material and zero-emission line contributes to
-- each commitment of its contract (numerator/denominator of a share), for the lines of the
-- groups an evaluation counts again (evaluated_groups, changed_contracts.sql). A social-return
-- line's contribution is its valued hours or euros (social_return_valued.sql), which
-- counted_lines (commitment_lines.sql) takes as it is instead of storing it again per
-- commitment; counted_lines takes the lines whose period ended by the evaluation's date (SPEC 3).
-- Variables: run_id, as_of; lines_since (changed_contracts.sql): the evaluated files' rows
-- were received since, and are read from there.

INSERT INTO line_contributions BY NAME
-- Recycled tonnes without evidence count as 0; their delivered tonnes still count.
SELECT m.contract_id, m.commitment_id, l.submission_id, l.source_row, l.period_end,
       CASE WHEN l.evidence_ref IS NOT NULL THEN l.recycled_tonnes ELSE 0 END AS numerator,
       l.delivered_tonnes AS denominator, l.received_at
FROM commitments m JOIN marked_lines('recycled_material', 'recycled_material_lines_since', 'evaluated_groups') l USING (contract_id)
WHERE m.kind = 'recycled_material' AND NOT l.superseded
  AND (m.scope = 'all' OR l.material = m.scope)
UNION ALL
SELECT m.contract_id, m.commitment_id, l.submission_id, l.source_row, l.period_end,
       CASE WHEN l.energy_source IN ('electric', 'hydrogen') THEN l.hours ELSE 0 END,
       l.hours, l.received_at
FROM commitments m JOIN marked_lines('zero_emission_equipment', 'zero_emission_equipment_lines_since', 'evaluated_groups') l USING (contract_id)
WHERE m.kind = 'zero_emission_equipment' AND NOT l.superseded
  AND CASE m.scope
        WHEN 'all'    THEN true
        WHEN '<19'    THEN l.power_kw < 19
        WHEN '19-37'  THEN l.power_kw >= 19 AND l.power_kw < 37
        WHEN '37-56'  THEN l.power_kw >= 37 AND l.power_kw < 56
        WHEN '56-130' THEN l.power_kw >= 56 AND l.power_kw < 130
        WHEN '>=130'  THEN l.power_kw >= 130
      END;

-- What a commitment's totals add up (commitment_totals.sql): the files' contributions
-- (line_amounts, commitment_lines.sql) summed per commitment and period end; a file's valued
-- lines are summed before they meet its contract's commitments, so fewer rows are joined and
-- grouped than in line_amounts. Kept apart too, as the totals the evaluated files add.
CREATE OR REPLACE TEMP TABLE new_file_totals AS
WITH valued AS (
    SELECT contract_id, submission_id, period_end, sum(counted_hours) AS hours, sum(value_eur) AS value_eur
    FROM social_return_valued SEMI JOIN evaluated_files USING (submission_id, contract_id)
    WHERE received_at >= getvariable('lines_since')
    GROUP BY ALL
)
SELECT m.contract_id, v.submission_id, m.commitment_id, v.period_end,
       social_amount(m.metric, v.hours, v.value_eur) AS amount, NULL::DOUBLE AS numerator, NULL::DOUBLE AS denominator
FROM commitments m JOIN valued v USING (contract_id)
WHERE m.kind = 'social_return'
UNION ALL
SELECT contract_id, submission_id, commitment_id, period_end, NULL, sum(numerator), sum(denominator)
FROM line_contributions SEMI JOIN evaluated_files USING (submission_id, contract_id)
WHERE received_at >= getvariable('lines_since')
GROUP BY ALL;
INSERT INTO file_totals SELECT * FROM new_file_totals;

DELETE FROM evaluated_contracts WHERE contract_id IN (SELECT contract_id FROM changed_contracts);
INSERT INTO evaluated_contracts SELECT * FROM contract_inputs SEMI JOIN changed_contracts USING (contract_id);
DELETE FROM unevaluated_group_keys;
DELETE FROM last_evaluation;
INSERT INTO last_evaluation VALUES (getvariable('run_id'), getvariable('as_of')::DATE);
