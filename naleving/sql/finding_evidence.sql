-- finding_evidence (SPEC 5): the stored evidence rows, plus, for a commitment that is behind
-- or breached, each line its achieved value counted (role 'geteld'), read from the
-- commitment's lines instead of copied every night. Over the tables of the warehouse or of
-- an evidence snapshot (findings, stored_evidence, commitment_lines, submissions). A resolved
-- finding keeps its other evidence; the lines it counted are in the snapshots of the runs
-- in which it was open.
CREATE OR REPLACE VIEW finding_evidence AS
SELECT finding_id, file_name, file_sha256, source_row, role FROM stored_evidence
UNION ALL
SELECT f.finding_id, s.file_name, s.file_sha256, l.source_row, 'geteld'
FROM findings f
JOIN commitment_lines l USING (commitment_id)
JOIN submissions s USING (submission_id)
WHERE f.kind IN ('commitment_breached', 'commitment_behind') AND f.status = 'open';
