-- The report groups of a batch of accepted lines (new_groups: submission_id, contract_id,
-- report_type, period_start, period_end, submitted_at, file_name, received_at), not
-- superseded until ranked (rank_report_groups.sql), and their keys as unranked.
INSERT INTO report_groups BY NAME SELECT *, false AS superseded FROM new_groups;

INSERT INTO unranked_group_keys SELECT DISTINCT contract_id, report_type, period_start, period_end FROM new_groups;
