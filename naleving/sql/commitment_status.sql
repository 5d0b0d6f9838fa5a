-- Every commitment evaluated as of a date (SPEC 3), appended for this run.
-- Reads each commitment's totals as of the date (commitment_totals.sql); variables: run_id, as_of.
INSERT INTO commitment_status BY NAME
WITH params AS (
    SELECT getvariable('run_id') AS run_id, getvariable('as_of')::DATE AS as_of
), promised AS (
    SELECT m.commitment_id, m.contract_id, m.kind, m.metric, m.scope, m.trajectory, m.tolerance_pct,
           m.penalty_rule, m.penalty_rate_eur, m.penalty_amount_eur,
           coalesce(m.target, k.value_eur * m.target_pct_of_value / 100) AS target,
           k.start_date AS start_date, coalesce(m.due_date, k.end_date) AS due,
           m.kind = 'social_return' AS cumulative
    FROM commitments m JOIN contracts k USING (contract_id)
), measured AS (
    -- a social-return commitment counts amounts, a share numerators and denominators
    SELECT p.*, params.*,
           CASE WHEN NOT p.cumulative THEN t.numerator::DOUBLE END AS numerator,
           CASE WHEN NOT p.cumulative THEN t.denominator::DOUBLE END AS denominator,
           -- rounded so that sums of decimals compare as a person would expect
           round(CASE
               WHEN p.cumulative THEN coalesce(t.amount::DOUBLE, 0)
               WHEN t.denominator > 0 THEN 100 * t.numerator::DOUBLE / t.denominator::DOUBLE
           END, 6) AS achieved,
           CASE
               WHEN params.as_of < p.start_date THEN 0.0
               WHEN p.due <= p.start_date THEN 1.0
               ELSE least(1.0, date_diff('day', p.start_date, params.as_of) / date_diff('day', p.start_date, p.due))
           END AS f
    FROM promised p CROSS JOIN params
    LEFT JOIN commitment_totals t USING (commitment_id)
), judged AS (
    SELECT *,
           CASE
               WHEN NOT cumulative THEN target
               WHEN trajectory = 'end' THEN CASE WHEN as_of >= due THEN target ELSE 0 END
               ELSE target * f
           END AS expected,
           CASE
               WHEN NOT cumulative THEN NULL
               WHEN as_of >= due THEN achieved
               WHEN as_of > start_date THEN achieved / date_diff('day', start_date, as_of) * date_diff('day', start_date, due)
           END AS forecast_at_due,
           greatest(target - coalesce(achieved, 0), 0) AS shortfall
    FROM measured
), with_status AS (
    SELECT *,
           CASE
               WHEN as_of < start_date THEN 'not_started'
               WHEN cumulative AND achieved >= target THEN 'met'
               WHEN NOT cumulative AND as_of > due AND achieved >= target THEN 'met'
               WHEN as_of > due THEN 'breached'
               WHEN NOT cumulative AND achieved IS NULL THEN 'no_data'
               WHEN cumulative AND achieved < expected * (1 - tolerance_pct / 100) THEN 'behind'
               WHEN NOT cumulative AND achieved < target - tolerance_pct THEN 'behind'
               ELSE 'on_track'
           END AS status
    FROM judged
)
SELECT run_id, as_of, commitment_id, contract_id, kind, metric, target, achieved, expected, status,
       shortfall, forecast_at_due,
       CASE WHEN status <> 'breached' THEN NULL
            WHEN penalty_rule = 'shortfall_eur' AND metric = 'eur' THEN shortfall
            WHEN penalty_rule = 'per_unit' THEN shortfall * penalty_rate_eur
            WHEN penalty_rule = 'fixed' THEN penalty_amount_eur
       END AS penalty_estimate_eur,
       numerator, denominator
FROM with_status;
