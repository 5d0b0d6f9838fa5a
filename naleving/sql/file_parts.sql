-- Which snapshot part holds the rows of each file (per contract) of the tables computed per
-- line (line_contributions, social_return_valued), kept in part_index as the last snapshot
-- published it: this snapshot's for a file whose rows were computed anew since
-- (unpublished_files), the part named before otherwise. An evaluation computes every file it
-- has not computed before, so only those change; the files of a contract gone from the
-- register too, their rows deleted: this snapshot's part names them without rows.
-- Run in one transaction with part_index_sequence: a snapshot that never lands leaves the
-- index of its own sequence, which the next attempt, under the same sequence, writes again.
-- Variables: sequence; afresh, when no earlier index is on record: every file is this
-- snapshot's. Reads unpublished (the submissions no earlier part holds). Sets lines_since
-- (views.sql): the rows this snapshot writes in parts are of files received since.
DELETE FROM part_index WHERE getvariable('afresh');
CREATE OR REPLACE TEMP TABLE new_file_parts AS
SELECT contract_id, submission_id FROM unpublished_files
UNION
SELECT contract_id, submission_id FROM report_groups SEMI JOIN evaluated_contracts USING (contract_id)
WHERE getvariable('afresh');
DELETE FROM part_index i USING new_file_parts n
WHERE i.contract_id = n.contract_id AND i.submission_id = n.submission_id;
INSERT INTO part_index SELECT *, getvariable('sequence')::INTEGER AS sequence FROM new_file_parts;
DELETE FROM part_index_sequence;
INSERT INTO part_index_sequence VALUES (getvariable('sequence')::INTEGER);
SET VARIABLE lines_since = (
    SELECT min(received_at) FROM submissions
    WHERE submission_id IN (SELECT submission_id FROM unpublished)
       OR submission_id IN (SELECT submission_id FROM new_file_parts));
