-- Clears what an evaluation computes again (changed_contracts.sql): the valued lines of the
-- changed contracts and of the touched people from their first touched line on, and the
-- contributions and totals of the files it counts again; the next evidence snapshot writes
-- all these files' rows, the next derivation of findings looks again at their claims.
DELETE FROM social_return_valued WHERE contract_id IN (SELECT contract_id FROM changed_contracts);
DELETE FROM social_return_valued v USING valued_again a
WHERE v.submission_id = a.submission_id AND v.source_row = a.source_row;
DELETE FROM line_contributions l USING evaluated_files f
WHERE l.submission_id = f.submission_id AND l.contract_id = f.contract_id AND l.received_at >= getvariable('lines_since');
-- Those files' totals are kept aside to take away from their commitments' totals
-- (commitment_totals.sql), and deleted by row: the table's keys are read once.
SET VARIABLE counted_as_of = (SELECT as_of FROM last_evaluation);
CREATE OR REPLACE TEMP TABLE replaced_totals AS
SELECT t.rowid AS row_id, t.*, -1 AS sign FROM file_totals t SEMI JOIN evaluated_files USING (submission_id, contract_id);
DELETE FROM file_totals WHERE rowid IN (SELECT row_id FROM replaced_totals);
INSERT INTO unpublished_files SELECT * FROM evaluated_files EXCEPT SELECT * FROM unpublished_files;
INSERT INTO unreviewed_files SELECT * FROM evaluated_files EXCEPT SELECT * FROM unreviewed_files;
