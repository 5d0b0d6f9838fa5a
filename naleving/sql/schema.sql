-- The warehouse: every table the pipeline keeps. Created once, never dropped.

CREATE TABLE IF NOT EXISTS runs (
    run_id        VARCHAR PRIMARY KEY,
    started_at    TIMESTAMP NOT NULL,
    finished_at   TIMESTAMP,
    as_of         DATE NOT NULL,
    code_version  VARCHAR NOT NULL,
    rule_version  VARCHAR NOT NULL,
    status        VARCHAR NOT NULL,       -- running | completed | failed
    data_dir      VARCHAR
);

-- The code version that built the tables and views (warehouse.py): rebuilt when it changes.
CREATE TABLE IF NOT EXISTS catalog_on_record (code_version VARCHAR NOT NULL);

-- The buyer's own data, replaced as a whole by each run that validated it.
CREATE TABLE IF NOT EXISTS contracts (
    contract_id VARCHAR PRIMARY KEY, buyer VARCHAR, title VARCHAR, supplier_kvk VARCHAR,
    supplier_name VARCHAR, value_eur DOUBLE, start_date DATE, end_date DATE,
    contract_manager VARCHAR, reporting_frequency VARCHAR, report_grace_days INTEGER,
    block_table VARCHAR, file_name VARCHAR, file_sha256 VARCHAR, source_row BIGINT
);
CREATE TABLE IF NOT EXISTS commitments (
    commitment_id VARCHAR PRIMARY KEY, contract_id VARCHAR, kind VARCHAR, metric VARCHAR,
    target DOUBLE, target_pct_of_value DOUBLE, scope VARCHAR, due_date DATE, trajectory VARCHAR,
    tolerance_pct DOUBLE, penalty_rule VARCHAR, penalty_rate_eur DOUBLE,
    penalty_amount_eur DOUBLE, description VARCHAR,
    file_name VARCHAR, file_sha256 VARCHAR, source_row BIGINT
);
CREATE TABLE IF NOT EXISTS block_values (
    table_id VARCHAR, code VARCHAR, kind VARCHAR, value_eur_per_year DOUBLE
);
-- The register files (and the code) the stored register was validated from: the same again
-- is not read again.
CREATE TABLE IF NOT EXISTS register_on_record (
    file_name VARCHAR PRIMARY KEY, file_sha256 VARCHAR NOT NULL, code_version VARCHAR NOT NULL
);

-- Supplier submissions: one row per file received, its id from name and content. This table
-- and files_on_record have no key: DuckDB writes a key's whole index at every checkpoint that
-- touches its table (nationally 0.12 s a night, growing with every file). The intake opens
-- only files not on record and enters a name with the same content once (ingest.py).
CREATE TABLE IF NOT EXISTS submissions (
    submission_id    VARCHAR NOT NULL,
    file_name        VARCHAR NOT NULL,
    file_sha256      VARCHAR NOT NULL,
    received_at      TIMESTAMP NOT NULL,
    report_type      VARCHAR,
    status           VARCHAR NOT NULL,    -- accepted | refused | duplicate
    refusal_reason   VARCHAR,
    rows_received    BIGINT NOT NULL,
    rows_accepted    BIGINT NOT NULL,
    rows_quarantined BIGINT NOT NULL,
    run_id           VARCHAR NOT NULL
);
-- The files opened so far, one row per name: one whose name, size and modification time are
-- here is not opened again (its content is already in submissions).
CREATE TABLE IF NOT EXISTS files_on_record (
    file_name VARCHAR NOT NULL, size BIGINT NOT NULL, mtime_ns BIGINT NOT NULL, file_sha256 VARCHAR NOT NULL
);
-- The folders under reports/ as the intake last listed them, and when it last listed every
-- file: a folder whose time is as here holds the same names, so a night lists only the others
-- (listing.py). mtime_ns -1: listed again next time.
CREATE TABLE IF NOT EXISTS folders_on_record (folder VARCHAR NOT NULL, mtime_ns BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS full_listings (listed_at TIMESTAMP NOT NULL);
-- Lines not accepted (every line of a refused file), as read (BSN values masked), with their reason codes.
CREATE TABLE IF NOT EXISTS quarantine (
    submission_id VARCHAR NOT NULL,
    source_row    BIGINT,
    reasons       VARCHAR NOT NULL,
    raw           VARCHAR NOT NULL
);

-- Accepted lines, one table per report type, as typed; the record as read is the archived
-- original's row (file_sha256 of the submission, source_row). received_at is the file's
-- (submissions): it grows as lines arrive, so a run that reads only the lines received since
-- a moment (lines_since, views.sql) has DuckDB skip the row groups of older files.
CREATE TABLE IF NOT EXISTS social_return_lines (
    submission_id VARCHAR, source_row BIGINT, contract_id VARCHAR, supplier_kvk VARCHAR,
    period_start DATE, period_end DATE, submitted_at TIMESTAMP,
    person_ref VARCHAR, target_group VARCHAR, hours DOUBLE, amount_eur DOUBLE, bonus VARCHAR,
    received_at TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS recycled_material_lines (
    submission_id VARCHAR, source_row BIGINT, contract_id VARCHAR, supplier_kvk VARCHAR,
    period_start DATE, period_end DATE, submitted_at TIMESTAMP,
    material VARCHAR, delivered_tonnes DOUBLE, recycled_tonnes DOUBLE, evidence_ref VARCHAR,
    received_at TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS zero_emission_equipment_lines (
    submission_id VARCHAR, source_row BIGINT, contract_id VARCHAR, supplier_kvk VARCHAR,
    period_start DATE, period_end DATE, submitted_at TIMESTAMP,
    machine_id VARCHAR, power_kw DOUBLE, energy_source VARCHAR, hours DOUBLE,
    received_at TIMESTAMP NOT NULL
);
-- Of the recycled lines, those claiming recycled tonnes without evidence (unsupported_claim_lines.sql).
CREATE TABLE IF NOT EXISTS unsupported_claim_lines AS SELECT * FROM recycled_material_lines LIMIT 0;

-- A report group: the accepted lines of one file for one contract, report type and period.
-- The latest submission of a group key replaces the others (SPEC 1.4); ranked again for
-- the keys that got new groups (unranked_group_keys) when the intake ends, so no run has to
-- rank the whole history again.
CREATE TABLE IF NOT EXISTS report_groups (
    submission_id VARCHAR NOT NULL, contract_id VARCHAR NOT NULL, report_type VARCHAR NOT NULL,
    period_start DATE NOT NULL, period_end DATE NOT NULL, submitted_at TIMESTAMP,
    file_name VARCHAR NOT NULL, received_at TIMESTAMP NOT NULL, superseded BOOLEAN NOT NULL
);
-- The group keys whose new groups are not ranked yet; a run cut short leaves them to the next.
CREATE TABLE IF NOT EXISTS unranked_group_keys (
    contract_id VARCHAR NOT NULL, report_type VARCHAR NOT NULL, period_start DATE NOT NULL, period_end DATE NOT NULL
);

-- The group keys ranked since the last evaluation: the lines of their groups count again in
-- the next one (changed_contracts.sql); a run cut short leaves them to the next evaluation.
CREATE TABLE IF NOT EXISTS unevaluated_group_keys (
    contract_id VARCHAR NOT NULL, report_type VARCHAR NOT NULL, period_start DATE NOT NULL, period_end DATE NOT NULL
);
-- Of the running evaluation: each person whose social-return lines it values again, from
-- which line on (in the cap's order), the hours their lines before it count toward the
-- two-year cap and the latest period start of those lines (changed_contracts.sql).
CREATE TABLE IF NOT EXISTS valuation_starts (
    contract_id VARCHAR NOT NULL, person_ref VARCHAR,
    first_line STRUCT(period_start DATE, period_end DATE, submission_id VARCHAR, source_row BIGINT) NOT NULL,
    hours_before DOUBLE NOT NULL,
    last_start_before DATE
);
-- Each person's valued social-return lines (social_return_valued) in short: the hours they
-- count toward the two-year cap and their latest period start. A night's new lines are mostly
-- of a later period than all of a person's others: their hours before are these, and the
-- valued lines are not read (changed_contracts.sql). Kept by each evaluation (person_totals.sql).
-- A person is looked up by person_key (views.sql): a night reads that one column of every
-- row, not the two names (on 4× national history, 5.3 M people: 0.04 s a lookup, not 0.18 s).
CREATE TABLE IF NOT EXISTS person_totals (
    contract_id VARCHAR NOT NULL, person_ref VARCHAR, hours DOUBLE NOT NULL,
    last_start DATE NOT NULL, person_key UHUGEINT NOT NULL
);

-- Evaluation results: one row per run and commitment.
CREATE TABLE IF NOT EXISTS commitment_status (
    run_id VARCHAR, as_of DATE, commitment_id VARCHAR, contract_id VARCHAR, kind VARCHAR,
    metric VARCHAR, target DOUBLE, achieved DOUBLE, expected DOUBLE, status VARCHAR,
    shortfall DOUBLE, forecast_at_due DOUBLE, penalty_estimate_eur DOUBLE,
    numerator DOUBLE, denominator DOUBLE
);

-- What each recycled-material and zero-emission line contributes to each share commitment of
-- its contract, whatever the date (period_end says from when it counts); kept up to date per
-- contract (counted_lines.sql). Social-return lines count as valued (social_return_valued).
-- received_at is the line's: a file's rows follow its arrival, as in the line tables.
CREATE TABLE IF NOT EXISTS line_contributions (
    contract_id VARCHAR, commitment_id VARCHAR, submission_id VARCHAR, source_row BIGINT,
    period_end DATE, numerator DOUBLE, denominator DOUBLE, received_at TIMESTAMP NOT NULL
);
-- Each file's contributions (line_amounts, commitment_lines.sql) summed per commitment and
-- period end, kept up to date per file like line_contributions (counted_lines.sql): what a
-- commitment's totals add up as of a date, instead of every line.
CREATE TABLE IF NOT EXISTS file_totals (
    contract_id VARCHAR, submission_id VARCHAR, commitment_id VARCHAR, period_end DATE,
    amount DOUBLE, numerator DOUBLE, denominator DOUBLE
);
-- Each commitment's file totals summed over the periods ended by the last evaluation's date
-- (last_evaluation), kept as files are counted again and the date moves (commitment_totals.sql):
-- what commitment_status reads instead of every file's totals. Exact decimals, so that taking
-- away what was added leaves nothing behind; `files` counts the rows summed.
CREATE TABLE IF NOT EXISTS commitment_totals (
    commitment_id VARCHAR NOT NULL, files BIGINT NOT NULL,
    amount DECIMAL(38, 9), numerator DECIMAL(38, 9), denominator DECIMAL(38, 9)
);
-- The fingerprint of each contract's inputs when its contributions were last computed.
CREATE TABLE IF NOT EXISTS evaluated_contracts (contract_id VARCHAR PRIMARY KEY, fingerprint VARCHAR NOT NULL);
-- The run and date of the last evaluation: what counted_lines is as of.
CREATE TABLE IF NOT EXISTS last_evaluation (run_id VARCHAR, as_of DATE);
-- The contracts the running evaluation recomputes whole (changed_contracts.sql). No key:
-- emptying the 50,000 keyed rows a national rebuild leaves took the next night 1.6 s.
CREATE TABLE IF NOT EXISTS changed_contracts (contract_id VARCHAR NOT NULL);
-- The report groups whose lines the running evaluation values and counts again
-- (changed_contracts.sql), as report_groups holds them.
CREATE TABLE IF NOT EXISTS evaluated_groups AS SELECT * FROM report_groups LIMIT 0;
-- The files (per contract) whose valued lines or contributions were computed anew since the
-- last evidence snapshot: the next one writes their rows (file_parts.sql). No key: emptying
-- a keyed table of a rebuild's files took a second.
CREATE TABLE IF NOT EXISTS unpublished_files (submission_id VARCHAR NOT NULL, contract_id VARCHAR NOT NULL);
-- The snapshot part that holds each evaluated file's rows (per contract), as the last snapshot
-- published it (file_parts.sql), and that snapshot's sequence: an index that is not the last
-- snapshot's, because the warehouse and the snapshots parted, is read again from its parts.
CREATE TABLE IF NOT EXISTS part_index (contract_id VARCHAR NOT NULL, submission_id VARCHAR NOT NULL, sequence INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS part_index_sequence (sequence INTEGER NOT NULL);

-- The run and date of the last derivation of findings, and the files (per contract)
-- evaluated since, without a key as unpublished_files: the next derivation looks again at
-- their unsupported claims and those whose period ended between the two dates only
-- (derive_findings.sql).
CREATE TABLE IF NOT EXISTS last_findings (run_id VARCHAR, as_of DATE);
CREATE TABLE IF NOT EXISTS unreviewed_files (submission_id VARCHAR NOT NULL, contract_id VARCHAR NOT NULL);

-- Findings keep their id across runs; status follows whether the last run derived them.
CREATE TABLE IF NOT EXISTS findings (
    finding_id VARCHAR PRIMARY KEY, kind VARCHAR, severity VARCHAR, contract_id VARCHAR,
    commitment_id VARCHAR, report_type VARCHAR, period VARCHAR, detail VARCHAR,
    status VARCHAR, first_seen_run VARCHAR, last_seen_run VARCHAR, resolved_run VARCHAR
);
CREATE TABLE IF NOT EXISTS stored_evidence (
    finding_id VARCHAR, file_name VARCHAR, file_sha256 VARCHAR, source_row BIGINT, role VARCHAR
);
