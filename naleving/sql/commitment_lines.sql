-- The lines each commitment rests on as of the last evaluation, with what each contributes:
-- the contributions of lines whose period ended by its date (SPEC 3). Over the tables of the
-- warehouse or of an evidence snapshot (line_contributions, last_evaluation).
CREATE OR REPLACE VIEW counted_lines AS
SELECT e.run_id, l.commitment_id, l.submission_id, l.source_row, l.amount, l.numerator, l.denominator
FROM line_contributions l, last_evaluation e
WHERE l.period_end <= e.as_of;
-- The same under their published name.
CREATE OR REPLACE VIEW commitment_lines AS SELECT * FROM counted_lines;
