-- The findings this run derives (SPEC 4), with the evidence rows each rests on.
-- Reads commitment_status (this run), overdue_periods, counted_lines; variables: run_id, as_of.
-- A data_quality finding is about one file as received: derived once, by the first run
-- that completes after the file arrived, and never resolved later (the file stays as it was).

-- The unsupported claims whose finding this run may change, reviewed again: at the first
-- derivation all; after it, those of the files evaluated since the last one (new, replaced
-- or of a changed contract: unreviewed_files) and those whose period ended between the last
-- one's date and this one's. A claim not reviewed holds as it did (apply_findings.sql): a
-- night does not derive again every claim ever received, one per line.
SET VARIABLE claims_from = (SELECT least(as_of, getvariable('as_of')::DATE) FROM last_findings);
SET VARIABLE claims_until = (SELECT greatest(as_of, getvariable('as_of')::DATE) FROM last_findings);
CREATE OR REPLACE TEMP TABLE reviewed_claims AS
SELECT left(sha256('unsupported_claim|' || submission_id || '|' || source_row), 16) AS finding_id, *
FROM (SELECT * FROM unsupported_claim_lines
      WHERE getvariable('claims_from') IS NULL
         OR period_end > getvariable('claims_from') AND period_end <= getvariable('claims_until')
      UNION
      SELECT * FROM unsupported_claim_lines SEMI JOIN unreviewed_files USING (submission_id, contract_id));

-- Of those, the accepted, counted lines: they claim recycled tonnes without evidence.
CREATE OR REPLACE TEMP TABLE unsupported_claims AS
SELECT l.*, s.file_name, s.file_sha256
FROM marked_lines('recycled_material', 'reviewed_claims') l JOIN submissions s USING (submission_id)
WHERE NOT l.superseded AND l.period_end <= getvariable('as_of')::DATE;

-- Files with refused or quarantined lines that have no data_quality finding yet.
CREATE OR REPLACE TEMP TABLE new_problem_files AS
SELECT * FROM submissions
WHERE (status = 'refused' OR rows_quarantined > 0)
  AND left(sha256('data_quality|' || submission_id), 16) NOT IN (SELECT finding_id FROM findings);
-- Their lines arrived with them: the line tables are read from the earliest's arrival on
-- (views.sql), not over the whole history.
SET VARIABLE lines_since = coalesce((SELECT min(received_at) FROM new_problem_files), 'infinity'::TIMESTAMP);

CREATE OR REPLACE TEMP TABLE derived_findings AS
WITH this_run AS (
    SELECT s.*, m.description, coalesce(m.due_date, k.end_date) AS due
    FROM commitment_status s
    JOIN commitments m USING (commitment_id)
    JOIN contracts k ON k.contract_id = s.contract_id
    WHERE s.run_id = getvariable('run_id')
), unit AS (
    SELECT *, CASE metric WHEN 'hours' THEN 'uur' WHEN 'eur' THEN 'euro' ELSE '%' END AS unit FROM this_run
)
SELECT left(sha256('commitment_breached|' || commitment_id), 16) AS finding_id,
       'commitment_breached' AS kind, 'high' AS severity, contract_id, commitment_id,
       kind AS report_type, NULL AS period,
       printf('Toezegging niet nagekomen per %s: %s van %s %s gerealiseerd (tekort %s %s).',
              strftime(due, '%d-%m-%Y'), coalesce(nl_number(achieved), 'geen gegevens'),
              nl_number(target), unit, nl_number(shortfall), unit) AS detail
FROM unit WHERE status = 'breached'
UNION ALL
SELECT left(sha256('commitment_behind|' || commitment_id), 16), 'commitment_behind', 'medium',
       contract_id, commitment_id, kind, NULL,
       printf('Achter op schema: %s %s gerealiseerd, verwacht %s %s (doel %s %s per %s).',
              nl_number(achieved), unit, nl_number(expected), unit, nl_number(target), unit,
              strftime(due, '%d-%m-%Y'))
FROM unit WHERE status = 'behind'
UNION ALL
SELECT left(sha256('report_overdue|' || contract_id || '|' || report_type || '|' || period), 16),
       'report_overdue', 'medium', contract_id, NULL, report_type, period,
       printf('Rapportage %s over %s (%s t/m %s) ontbreekt; uiterlijk %s verwacht.',
              report_type, period, strftime(period_start, '%d-%m-%Y'), strftime(period_end, '%d-%m-%Y'),
              strftime(due_by, '%d-%m-%Y'))
FROM overdue_periods
UNION ALL
SELECT finding_id, 'unsupported_claim', 'low', contract_id, NULL, 'recycled_material', NULL,
       printf('%s ton gerecycled %s in %s, rij %d zonder bewijsstuk: telt als 0.',
              nl_number(recycled_tonnes), material, file_name, source_row)
FROM unsupported_claims
UNION ALL
SELECT left(sha256('data_quality|' || s.submission_id), 16), 'data_quality', 'low', f.contract_id, NULL,
       s.report_type, NULL,
       CASE WHEN s.status = 'refused' THEN printf('Bestand %s geweigerd: %s.', s.file_name, s.refusal_reason)
            ELSE printf('%d van %d regels van %s in quarantaine.', s.rows_quarantined, s.rows_received, s.file_name)
       END
FROM new_problem_files s
-- the contract most lines of the file name, so the finding reaches its contract manager
LEFT JOIN (
    SELECT submission_id, mode(contract_id) AS contract_id FROM (
        SELECT submission_id, json_extract_string(raw, '$.contract_id') AS contract_id FROM quarantine
        UNION ALL SELECT submission_id, contract_id FROM social_return_lines_since
        UNION ALL SELECT submission_id, contract_id FROM recycled_material_lines_since
        UNION ALL SELECT submission_id, contract_id FROM zero_emission_equipment_lines_since
    ) SEMI JOIN new_problem_files USING (submission_id)
    WHERE contract_id IN (SELECT contract_id FROM contracts)
    GROUP BY submission_id
) f USING (submission_id);

-- Evidence: the file (by sha256) and row of every line a finding rests on. The lines a
-- commitment finding counted are not copied here: they are the commitment's counted lines
-- (finding_evidence.sql puts them together), so a night does not rewrite them all.
CREATE OR REPLACE TEMP TABLE derived_evidence AS
SELECT f.finding_id, m.file_name, m.file_sha256, m.source_row, 'toezegging' AS role
FROM derived_findings f JOIN commitments m USING (commitment_id)
WHERE f.kind IN ('commitment_breached', 'commitment_behind')
UNION ALL
SELECT f.finding_id, k.file_name, k.file_sha256, k.source_row, 'contract'
FROM derived_findings f JOIN contracts k USING (contract_id)
WHERE f.kind IN ('commitment_breached', 'commitment_behind', 'report_overdue')
UNION ALL
SELECT f.finding_id, m.file_name, m.file_sha256, m.source_row, 'toezegging'
FROM derived_findings f JOIN commitments m ON m.contract_id = f.contract_id AND m.kind = f.report_type
WHERE f.kind = 'report_overdue'
UNION ALL
SELECT finding_id, file_name, file_sha256, source_row, 'zonder bewijsstuk' FROM unsupported_claims
UNION ALL
SELECT left(sha256('data_quality|' || s.submission_id), 16), s.file_name, s.file_sha256, q.source_row,
       'quarantaine: ' || q.reasons
FROM new_problem_files s JOIN quarantine q USING (submission_id)
UNION ALL
-- a file of which no row could be read is evidence as a whole
SELECT left(sha256('data_quality|' || submission_id), 16), file_name, file_sha256, NULL,
       'geweigerd: ' || refusal_reason
FROM new_problem_files WHERE status = 'refused' AND rows_received = 0;
