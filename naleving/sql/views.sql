-- Derived views over the stored lines; recreated on every connection, they hold no state.

-- 1.234,5: numbers in findings' texts in Dutch notation.
CREATE OR REPLACE MACRO nl_number(x) AS translate(format('{:,.1f}', x::DOUBLE), ',.', '.,');

-- Accepted lines with their supersession mark (marked_lines.sql): replaced lines stay visible.
CREATE OR REPLACE VIEW social_return_lines_marked AS SELECT * FROM marked_lines('social_return', 'social_return_lines');
CREATE OR REPLACE VIEW recycled_material_lines_marked AS SELECT * FROM marked_lines('recycled_material', 'recycled_material_lines');
CREATE OR REPLACE VIEW zero_emission_equipment_lines_marked AS SELECT * FROM marked_lines('zero_emission_equipment', 'zero_emission_equipment_lines');

-- Accepted lines received since the variable lines_since: the files an evaluation counts
-- again (changed_contracts.sql) or a snapshot writes (file_parts.sql) arrived then, and
-- DuckDB skips the row groups of older files instead of joining every line ever received.
CREATE OR REPLACE VIEW social_return_lines_since AS
SELECT * FROM social_return_lines WHERE received_at >= getvariable('lines_since');
CREATE OR REPLACE VIEW recycled_material_lines_since AS
SELECT * FROM recycled_material_lines WHERE received_at >= getvariable('lines_since');
CREATE OR REPLACE VIEW zero_emission_equipment_lines_since AS
SELECT * FROM zero_emission_equipment_lines WHERE received_at >= getvariable('lines_since');

-- The two-year cap's order of one person's lines (the valuation's window orders by the same
-- fields), and the hours a line adds toward the cap:
-- a purchase from a social enterprise counts for its amount, never for hours.
CREATE OR REPLACE MACRO cap_order(period_start, period_end, submission_id, source_row) AS
    {'period_start': period_start, 'period_end': period_end, 'submission_id': submission_id, 'source_row': source_row};
CREATE OR REPLACE MACRO person_hours(target_group, hours) AS
    CASE WHEN target_group = 'sociale_onderneming' THEN 0 ELSE coalesce(hours, 0) END;

-- Of the lines of evaluated_groups, those valued anew: all lines of a changed contract;
-- elsewhere a touched person's from their start on (valuation_starts.first_line): the
-- other people of a file valued again keep their valued lines.
CREATE OR REPLACE MACRO valued_anew(contract, line, first_line) AS
    contract IN (SELECT contract_id FROM changed_contracts) OR line >= first_line;

-- Social return valued with the contract's block table (bouwblokkenmethode, SPEC 1.5):
-- an hour is worth the yearly value / 1872; a person counts for at most 3744 hours a contract.
-- The lines an evaluation values again (changed_contracts.sql), all in its evaluated_groups
-- and received since lines_since:
-- those of the contracts it recomputes whole, and each touched person's from the first line
-- to value again, after the hours before it (valuation_starts). Of one slice of the
-- contracts (variables valuation_slices and valuation_slice), chosen before the window over
-- each person's lines so that only their lines are ranked: a slice's window fits in DuckDB's
-- memory, a whole national history's spilled to disk. The slice is chosen on the groups
-- (valuation_groups): a slice then joins its own lines only, not every evaluated line.
CREATE OR REPLACE VIEW valuation_groups AS
SELECT * FROM evaluated_groups WHERE hash(contract_id) % getvariable('valuation_slices') = getvariable('valuation_slice');
CREATE OR REPLACE VIEW social_return_valuation AS
WITH current_lines AS (  -- the columns valuation needs
    SELECT l.submission_id, l.source_row, l.contract_id, l.person_ref, l.period_start, l.period_end,
           l.target_group, l.hours, l.amount_eur, l.bonus, l.received_at, c.block_table,
           person_hours(l.target_group, l.hours) AS person_hours, coalesce(s.hours_before, 0) AS hours_earlier
    FROM marked_lines('social_return', 'social_return_lines_since', 'valuation_groups') l JOIN contracts c USING (contract_id)
    LEFT JOIN valuation_starts s ON s.contract_id = l.contract_id AND s.person_ref IS NOT DISTINCT FROM l.person_ref
    WHERE NOT l.superseded AND valued_anew(l.contract_id, cap_order(l.period_start, l.period_end, l.submission_id, l.source_row), s.first_line)
), bonus_value AS (
    -- Each set of bonus codes the lines carry, valued with each valuation table: few rows to
    -- join, where valuing each line's codes apart joined the lines twice (national: 8 M lines,
    -- 3 sets of codes; the valuation 5.9 → 5.3 s, the same value for every line).
    SELECT v.table_id AS block_table, b.bonus, sum(v.value_eur_per_year) AS value_eur_per_year
    FROM (SELECT bonus, unnest(string_split(bonus, '|')) AS code
          FROM (SELECT DISTINCT bonus FROM social_return_lines_since WHERE bonus IS NOT NULL)) b
    JOIN block_values v ON v.code = b.code AND v.kind = 'bonus'
    GROUP BY ALL
), capped AS (
    SELECT l.*,
           l.hours_earlier + coalesce(sum(l.person_hours) OVER (
               PARTITION BY l.contract_id, l.person_ref
               ORDER BY l.period_start, l.period_end, l.submission_id, l.source_row  -- as cap_order
               ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS hours_before
    FROM current_lines l
)
SELECT c.submission_id, c.source_row, c.contract_id, c.person_ref, c.period_start, c.period_end,
       c.target_group, c.hours, c.hours_before, c.counted_hours,
       c.person_hours > c.counted_hours AS capped,
       CASE WHEN c.target_group = 'sociale_onderneming' THEN coalesce(c.amount_eur, 0)
            ELSE c.counted_hours * (g.value_eur_per_year + coalesce(b.value_eur_per_year, 0)) / 1872
       END AS value_eur, c.received_at
FROM (SELECT *, greatest(0, least(person_hours, 3744 - hours_before)) AS counted_hours FROM capped) c
LEFT JOIN block_values g ON g.table_id = c.block_table AND g.code = c.target_group AND g.kind = 'group'
LEFT JOIN bonus_value b ON b.block_table = c.block_table AND b.bonus = c.bonus;

-- The valuation of the last evaluation, kept as a table and recomputed only for the contracts
-- whose inputs changed (counted_lines.sql): the window over a person's history is costly.
CREATE TABLE IF NOT EXISTS social_return_valued AS SELECT * FROM social_return_valuation LIMIT 0;

-- The lines the running evaluation valued (social_return_valued.sql), all received since
-- lines_since: the older row groups are skipped, a night reads only its own valued lines.
CREATE OR REPLACE VIEW social_return_valued_anew AS
SELECT v.* FROM social_return_valued v
LEFT JOIN valuation_starts s ON s.contract_id = v.contract_id AND s.person_ref IS NOT DISTINCT FROM v.person_ref
WHERE v.received_at >= getvariable('lines_since')
  AND valued_anew(v.contract_id, cap_order(v.period_start, v.period_end, v.submission_id, v.source_row), s.first_line);
-- A person (their contract and reference) as one number, for person_totals: md5 of both names,
-- unambiguously joined; two people sharing one would take 2^64 people to be likely.
CREATE OR REPLACE MACRO person_key(contract_id, person_ref) AS md5_number(to_json([contract_id, person_ref])::VARCHAR);
-- Valued lines (shaped as social_return_valued, in the table named `valued`) summed per
-- person: the hours they count toward the cap and their latest period start (person_totals).
CREATE OR REPLACE MACRO person_sums(valued) AS TABLE
SELECT contract_id, person_ref, sum(person_hours(target_group, hours)) AS hours, max(period_start) AS last_start
FROM query_table(valued) GROUP BY ALL;

-- File totals (shaped as file_totals with a `sign`, in the table named `rows`) summed per
-- commitment as commitment_totals keeps them: a row with sign 1 adds to its commitment's
-- totals, one with sign -1 takes away.
CREATE OR REPLACE MACRO commitment_sums(rows) AS TABLE
SELECT commitment_id, sum(sign) AS files, sum(sign * amount::DECIMAL(38, 9)) AS amount,
       sum(sign * numerator::DECIMAL(38, 9)) AS numerator, sum(sign * denominator::DECIMAL(38, 9)) AS denominator
FROM query_table(rows) GROUP BY commitment_id;

-- The published shape of every table of an evidence snapshot (SPEC 5 and the line tables).
-- Variables: run_id, the run being published; lines_since, the arrival of the earliest file
-- whose rows the snapshot writes (file_parts.sql): the tables kept in parts read from there.
-- A line's arrival is its submission's: the parts are published without it.
CREATE OR REPLACE VIEW published_submissions AS SELECT * FROM submissions;
CREATE OR REPLACE VIEW published_quarantine AS SELECT * FROM quarantine;
CREATE OR REPLACE VIEW published_commitment_status AS
SELECT * FROM commitment_status WHERE run_id = getvariable('run_id');
CREATE OR REPLACE VIEW published_findings AS SELECT * FROM findings;
-- finding_evidence is composed by readers from these rows and commitment_lines (finding_evidence.sql).
CREATE OR REPLACE VIEW published_stored_evidence AS SELECT * FROM stored_evidence;
CREATE OR REPLACE VIEW published_runs AS
SELECT * FROM runs WHERE started_at <= (SELECT started_at FROM runs WHERE run_id = getvariable('run_id'));
CREATE OR REPLACE VIEW published_contracts AS SELECT * FROM contracts;
CREATE OR REPLACE VIEW published_commitments AS SELECT * FROM commitments;
CREATE OR REPLACE VIEW published_block_values AS SELECT * FROM block_values;
-- Which lines a correction replaced: the line tables are published without the mark.
CREATE OR REPLACE VIEW published_report_groups AS SELECT * FROM report_groups;
CREATE OR REPLACE VIEW published_social_return_lines AS SELECT * EXCLUDE (received_at) FROM social_return_lines_since;
CREATE OR REPLACE VIEW published_recycled_material_lines AS SELECT * EXCLUDE (received_at) FROM recycled_material_lines_since;
CREATE OR REPLACE VIEW published_zero_emission_equipment_lines AS SELECT * EXCLUDE (received_at) FROM zero_emission_equipment_lines_since;
-- What each line counts for after the two-year cap and valuation, so totals can be redone.
CREATE OR REPLACE VIEW published_social_return_valued AS
SELECT submission_id, source_row, contract_id, person_ref, period_start, period_end, hours,
       hours_before, counted_hours, capped, value_eur
FROM social_return_valued WHERE received_at >= getvariable('lines_since');
-- What each recycled-material and zero-emission line contributes to each commitment; readers
-- compose commitment_lines from it, social_return_valued, commitments and last_evaluation
-- (commitment_lines.sql).
CREATE OR REPLACE VIEW published_line_contributions AS
SELECT * EXCLUDE (received_at) FROM line_contributions WHERE received_at >= getvariable('lines_since');
CREATE OR REPLACE VIEW published_last_evaluation AS SELECT * FROM last_evaluation;
