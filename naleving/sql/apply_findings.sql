-- The findings lifecycle: a finding keeps its id while it holds; one no longer derived
-- is resolved by this run; one derived again is open again (a data_quality finding is
-- derived once for its file). Variables: run_id.
UPDATE findings
SET status = 'resolved', resolved_run = getvariable('run_id')
WHERE status = 'open' AND kind <> 'data_quality' AND finding_id NOT IN (SELECT finding_id FROM derived_findings);

INSERT INTO findings BY NAME
SELECT d.*, 'open' AS status, getvariable('run_id') AS first_seen_run,
       getvariable('run_id') AS last_seen_run, NULL AS resolved_run
FROM derived_findings d
ON CONFLICT (finding_id) DO UPDATE SET
    severity = excluded.severity, detail = excluded.detail, status = 'open',
    last_seen_run = excluded.last_seen_run, resolved_run = NULL;

DELETE FROM stored_evidence WHERE finding_id IN (SELECT finding_id FROM derived_findings);
INSERT INTO stored_evidence BY NAME SELECT * FROM derived_evidence;
