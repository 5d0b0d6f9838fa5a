-- The lines each commitment rests on as of a date, with what each contributes:
-- an amount (hours or euros) for cumulative kinds, numerator/denominator for share kinds.
-- Only accepted, non-superseded lines whose period ended by as_of count (SPEC 3).
-- Kept for the last evaluation only: findings evidence and the evidence snapshot read it.
-- Variables: run_id, as_of.
DELETE FROM social_return_valued;
INSERT INTO social_return_valued BY NAME SELECT * FROM social_return_valuation;

DELETE FROM counted_lines;
INSERT INTO counted_lines
WITH params AS (SELECT getvariable('as_of')::DATE AS as_of)
SELECT getvariable('run_id'), * FROM (
SELECT m.commitment_id, l.submission_id, l.source_row,
       CASE WHEN m.metric = 'hours' THEN l.counted_hours ELSE l.value_eur END AS amount,
       NULL::DOUBLE AS numerator, NULL::DOUBLE AS denominator
FROM commitments m JOIN social_return_valued l USING (contract_id) CROSS JOIN params
WHERE m.kind = 'social_return' AND l.period_end <= params.as_of
UNION ALL
-- Recycled tonnes without evidence count as 0; their delivered tonnes still count.
SELECT m.commitment_id, l.submission_id, l.source_row, NULL,
       CASE WHEN l.evidence_ref IS NOT NULL THEN l.recycled_tonnes ELSE 0 END,
       l.delivered_tonnes
FROM commitments m JOIN recycled_material_lines_marked l USING (contract_id) CROSS JOIN params
WHERE m.kind = 'recycled_material' AND NOT l.superseded AND l.period_end <= params.as_of
  AND (m.scope = 'all' OR l.material = m.scope)
UNION ALL
SELECT m.commitment_id, l.submission_id, l.source_row, NULL,
       CASE WHEN l.energy_source IN ('electric', 'hydrogen') THEN l.hours ELSE 0 END,
       l.hours
FROM commitments m JOIN zero_emission_equipment_lines_marked l USING (contract_id) CROSS JOIN params
WHERE m.kind = 'zero_emission_equipment' AND NOT l.superseded AND l.period_end <= params.as_of
  AND CASE m.scope
        WHEN 'all'    THEN true
        WHEN '<19'    THEN l.power_kw < 19
        WHEN '19-37'  THEN l.power_kw >= 19 AND l.power_kw < 37
        WHEN '37-56'  THEN l.power_kw >= 37 AND l.power_kw < 56
        WHEN '56-130' THEN l.power_kw >= 56 AND l.power_kw < 130
        WHEN '>=130'  THEN l.power_kw >= 130
      END
);
