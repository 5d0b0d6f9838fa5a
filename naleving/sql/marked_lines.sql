-- Accepted lines of one report type with their supersession mark from report_groups;
-- line_type: social_return | recycled_material | zero_emission_equipment, stored: the
-- table or view holding those lines; groups: only the lines of these groups (a table shaped
-- as report_groups). Used by the warehouse and by readers of a snapshot.
CREATE OR REPLACE MACRO marked_lines(line_type, stored, groups := 'report_groups') AS TABLE
SELECT l.*, g.superseded
FROM query_table(stored) l
JOIN query_table(groups) g ON g.report_type = line_type AND g.submission_id = l.submission_id
 AND g.contract_id = l.contract_id AND g.period_start = l.period_start AND g.period_end = l.period_end;
