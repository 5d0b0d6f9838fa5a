-- The findings lifecycle: a finding keeps its id while it holds; one no longer derived
-- is resolved by this run; one derived again is open again (a data_quality finding is
-- derived once for its file). An unsupported claim this run did not review holds as it did
-- (derive_findings.sql): it is seen again without being derived again. Variables: run_id, as_of.
UPDATE findings
SET status = 'resolved', resolved_run = getvariable('run_id')
WHERE status = 'open' AND kind <> 'data_quality' AND finding_id NOT IN (SELECT finding_id FROM derived_findings)
  AND (kind <> 'unsupported_claim' OR finding_id IN (SELECT finding_id FROM reviewed_claims));
UPDATE findings SET last_seen_run = getvariable('run_id') WHERE status = 'open' AND kind = 'unsupported_claim';

INSERT INTO findings BY NAME
SELECT d.*, 'open' AS status, getvariable('run_id') AS first_seen_run,
       getvariable('run_id') AS last_seen_run, NULL AS resolved_run
FROM derived_findings d
ON CONFLICT (finding_id) DO UPDATE SET
    severity = excluded.severity, detail = excluded.detail, status = 'open',
    last_seen_run = excluded.last_seen_run, resolved_run = NULL;

DELETE FROM stored_evidence WHERE finding_id IN (SELECT finding_id FROM derived_findings);
INSERT INTO stored_evidence BY NAME SELECT * FROM derived_evidence;

-- Reviewed: the next derivation looks at what is evaluated from now on.
DELETE FROM unreviewed_files;
DELETE FROM last_findings;
INSERT INTO last_findings VALUES (getvariable('run_id'), getvariable('as_of')::DATE);
