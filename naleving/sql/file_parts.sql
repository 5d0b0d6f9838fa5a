-- Which snapshot part holds the rows of each file (per contract) of the tables computed per
-- line (line_contributions, social_return_valued): this snapshot's for a file whose rows
-- were computed anew since the previous snapshot or unknown to it, the one the previous
-- index named otherwise. The files are those of the evaluated contracts' report groups.
-- Reads previous_parts (the previous snapshot's index) and unpublished (the submissions no
-- earlier part holds); variables: sequence. Sets lines_since (views.sql): the rows this
-- snapshot writes in parts are of files received since.
CREATE OR REPLACE TEMP TABLE new_file_parts AS
SELECT f.contract_id, f.submission_id,
       CASE WHEN p.sequence IS NULL OR u.submission_id IS NOT NULL THEN getvariable('sequence')::INTEGER
            ELSE p.sequence END AS sequence
FROM (SELECT DISTINCT contract_id, submission_id FROM report_groups SEMI JOIN evaluated_contracts USING (contract_id)) f
LEFT JOIN previous_parts p USING (contract_id, submission_id)
LEFT JOIN unpublished_files u USING (contract_id, submission_id);
SET VARIABLE lines_since = (
    SELECT min(received_at) FROM submissions
    WHERE submission_id IN (SELECT submission_id FROM unpublished)
       OR submission_id IN (SELECT submission_id FROM new_file_parts WHERE sequence = getvariable('sequence')::INTEGER));
