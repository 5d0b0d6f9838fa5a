-- Files whose lines do not add up: received = accepted + quarantined, counted from the
-- stored lines themselves, not only from the ledger's own numbers. Variables: run_id (the
-- files this run received; earlier files were counted by their own run and never change).
-- Their lines arrived with them: the line tables are read from that arrival on, so DuckDB
-- skips the row groups of older files (a line stored with an earlier arrival is not found,
-- and its file does not add up).
SET VARIABLE accounted_since = coalesce(
    (SELECT min(received_at) FROM submissions WHERE run_id = getvariable('run_id')), 'infinity'::TIMESTAMP);
WITH checked AS (
    SELECT * FROM submissions WHERE run_id = getvariable('run_id')
), accepted AS (
    SELECT submission_id, count(*) AS n FROM (
        SELECT submission_id, received_at FROM social_return_lines
        UNION ALL SELECT submission_id, received_at FROM recycled_material_lines
        UNION ALL SELECT submission_id, received_at FROM zero_emission_equipment_lines
    ) SEMI JOIN checked USING (submission_id)
    WHERE received_at >= getvariable('accounted_since')
    GROUP BY submission_id
), quarantined AS (
    SELECT submission_id, count(*) AS n FROM quarantine SEMI JOIN checked USING (submission_id) GROUP BY submission_id
)
SELECT s.file_name, s.status, s.rows_received, s.rows_accepted, s.rows_quarantined,
       coalesce(a.n, 0) AS lines_accepted, coalesce(q.n, 0) AS lines_quarantined
FROM checked s
LEFT JOIN accepted a USING (submission_id)
LEFT JOIN quarantined q USING (submission_id)
WHERE s.rows_received <> s.rows_accepted + s.rows_quarantined
   OR s.rows_accepted <> coalesce(a.n, 0)
   OR s.rows_quarantined <> coalesce(q.n, 0)
ORDER BY s.file_name;
