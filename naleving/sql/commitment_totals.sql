-- Keeps commitment_totals (schema.sql) as of this evaluation's date: takes away what the
-- files counted again added before (replaced_totals, clear_recomputed.sql), adds what they add
-- now (new_file_totals, counted_lines.sql), and adds or takes away the other files' totals
-- whose period end lies between the last evaluation's date (counted_as_of) and this one's.
-- Only the touched commitments' rows are written; a night no longer sums every file's totals.
-- Variable: as_of.
CREATE OR REPLACE TEMP TABLE totals_changes AS
SELECT * EXCLUDE (row_id) FROM replaced_totals WHERE period_end <= getvariable('counted_as_of')
UNION ALL BY NAME
SELECT *, 1 AS sign FROM new_file_totals WHERE period_end <= getvariable('as_of')::DATE
UNION ALL BY NAME
SELECT *, CASE WHEN period_end <= getvariable('as_of')::DATE THEN 1 ELSE -1 END AS sign
FROM file_totals t
WHERE (t.period_end <= getvariable('as_of')::DATE) <> coalesce(t.period_end <= getvariable('counted_as_of'), false)
  AND NOT EXISTS (SELECT 1 FROM evaluated_files f WHERE f.submission_id = t.submission_id AND f.contract_id = t.contract_id);

CREATE OR REPLACE TEMP TABLE changed_totals AS
SELECT commitment_id, sum(files) AS files, sum(amount) AS amount, sum(numerator) AS numerator, sum(denominator) AS denominator
FROM (SELECT * FROM commitment_totals WHERE commitment_id IN (SELECT commitment_id FROM totals_changes)
      UNION ALL
      SELECT * FROM commitment_sums('totals_changes'))
GROUP BY commitment_id;
DELETE FROM commitment_totals WHERE commitment_id IN (SELECT commitment_id FROM changed_totals);
INSERT INTO commitment_totals SELECT * FROM changed_totals WHERE files > 0;
