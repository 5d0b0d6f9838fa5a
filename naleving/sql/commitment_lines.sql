-- What each line contributes to each commitment of its contract, whatever the date
-- (line_amounts), and the lines each commitment rests on as of the last evaluation
-- (counted_lines): those whose period ended by its date (SPEC 3). Over the tables of the
-- warehouse or of an evidence snapshot (social_return_valued, line_contributions,
-- commitments, last_evaluation). A social-return line counts its valued hours or euros for
-- each social-return commitment of its contract, by the commitment's metric.
CREATE OR REPLACE MACRO social_amount(metric, counted_hours, value_eur) AS
    CASE WHEN metric = 'hours' THEN counted_hours ELSE value_eur END;
CREATE OR REPLACE VIEW line_amounts AS
SELECT m.contract_id, m.commitment_id, l.submission_id, l.source_row, l.period_end,
       social_amount(m.metric, l.counted_hours, l.value_eur) AS amount,
       NULL::DOUBLE AS numerator, NULL::DOUBLE AS denominator
FROM commitments m JOIN social_return_valued l USING (contract_id)
WHERE m.kind = 'social_return'
UNION ALL
SELECT contract_id, commitment_id, submission_id, source_row, period_end, NULL, numerator, denominator
FROM line_contributions;
CREATE OR REPLACE VIEW counted_lines AS
SELECT e.run_id, l.commitment_id, l.submission_id, l.source_row, l.amount, l.numerator, l.denominator
FROM line_amounts l, last_evaluation e
WHERE l.period_end <= e.as_of;
-- The same under their published name.
CREATE OR REPLACE VIEW commitment_lines AS SELECT * FROM counted_lines;
