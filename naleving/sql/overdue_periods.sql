-- Reporting periods whose report is overdue as of a date (SPEC 3, overdue reports).
-- Periods are calendar periods of the contract's frequency, clipped to its start–end.
-- Variables: as_of.
CREATE OR REPLACE TEMP TABLE overdue_periods AS
WITH needed AS (
    SELECT DISTINCT c.contract_id, m.kind AS report_type, c.reporting_frequency, c.report_grace_days,
           c.start_date, c.end_date,
           CASE c.reporting_frequency WHEN 'monthly' THEN 1 WHEN 'quarterly' THEN 3
                                      WHEN 'half_yearly' THEN 6 ELSE 12 END AS months
    FROM contracts c JOIN commitments m USING (contract_id)
), calendar AS (
    SELECT n.*, unnest(generate_series(
               date_trunc('year', n.start_date)::TIMESTAMP, n.end_date::TIMESTAMP, to_months(n.months)
           ))::DATE AS cal_start
    FROM needed n
), periods AS (
    SELECT contract_id, report_type, reporting_frequency, report_grace_days, cal_start,
           greatest(cal_start, start_date) AS period_start,
           least((cal_start + to_months(months) - INTERVAL 1 DAY)::DATE, end_date) AS period_end
    FROM calendar
), overdue AS (
    -- a group counts as received when it has an accepted line, superseded or not
    SELECT p.* FROM periods p ANTI JOIN report_groups g
        ON g.contract_id = p.contract_id AND g.report_type = p.report_type
       AND g.period_start <= p.period_end AND g.period_end >= p.period_start
    WHERE p.period_end >= p.period_start
      AND p.period_end + p.report_grace_days < getvariable('as_of')::DATE
)
-- labelled last: the national register has 1.5 million past periods, 20,000 of them overdue
SELECT contract_id, report_type,
       CASE reporting_frequency
           WHEN 'monthly' THEN strftime(cal_start, '%Y-%m')
           WHEN 'quarterly' THEN strftime(cal_start, '%Y') || '-Q' || quarter(cal_start)
           WHEN 'half_yearly' THEN strftime(cal_start, '%Y') || '-H' || CASE WHEN month(cal_start) <= 6 THEN 1 ELSE 2 END
           ELSE strftime(cal_start, '%Y')
       END AS period,
       period_start, period_end, period_end + report_grace_days AS due_by
FROM overdue;
