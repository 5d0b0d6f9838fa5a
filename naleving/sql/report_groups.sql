-- The report groups of a batch of accepted lines (new_groups: submission_id, contract_id,
-- report_type, period_start, period_end, submitted_at), then the supersession of every
-- group key the batch touches: the latest submission of a key is current (SPEC 1.4).
INSERT INTO report_groups BY NAME
SELECT n.*, s.file_name, s.received_at, false AS superseded
FROM new_groups n JOIN submissions s USING (submission_id);

UPDATE report_groups g SET superseded = r.superseded
FROM (
    SELECT submission_id, contract_id, report_type, period_start, period_end,
           submission_id <> first_value(submission_id) OVER (
               PARTITION BY contract_id, report_type, period_start, period_end
               ORDER BY coalesce(submitted_at, received_at) DESC, file_name DESC
           ) AS superseded
    FROM report_groups SEMI JOIN new_groups USING (contract_id, report_type, period_start, period_end)
) r
WHERE g.submission_id = r.submission_id AND g.contract_id = r.contract_id AND g.report_type = r.report_type
  AND g.period_start = r.period_start AND g.period_end = r.period_end;
