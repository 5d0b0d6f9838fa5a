-- The portal's reading of one evidence snapshot, derived once when the snapshot appears.
-- The snapshot's tables are in place as views of the same names (findings, contracts, …).

CREATE TEMP VIEW accepted_lines AS
SELECT submission_id, source_row, contract_id FROM social_return_lines
UNION ALL SELECT submission_id, source_row, contract_id FROM recycled_material_lines
UNION ALL SELECT submission_id, source_row, contract_id FROM zero_emission_equipment_lines;

CREATE TEMP TABLE quarantine_named AS
SELECT *, CASE WHEN json_valid(raw) THEN json_extract_string(raw, '$.contract_id') END AS named_contract
FROM quarantine;

-- A file's main contract: the known contract most of its lines name. A byte-identical
-- duplicate shares it through the sha256; a file of which nothing could be read has none.
CREATE TABLE file_contract AS
SELECT s.file_sha256, l.contract_id
FROM (SELECT submission_id, contract_id FROM accepted_lines
      UNION ALL SELECT submission_id, named_contract FROM quarantine_named) l
JOIN submissions s USING (submission_id)
JOIN contracts USING (contract_id)
GROUP BY s.file_sha256, l.contract_id
QUALIFY row_number() OVER (PARTITION BY s.file_sha256 ORDER BY count(*) DESC, l.contract_id) = 1;

-- A quarantined line is about the contract it names when the register knows it, else about
-- its file's main contract (a typo in a contract number stays with the supplier's contract).
CREATE TABLE quarantine_lines AS
SELECT q.submission_id, q.source_row, q.reasons, q.raw, s.file_name, s.file_sha256,
       coalesce(k.contract_id, f.contract_id) AS contract_id
FROM quarantine_named q
JOIN submissions s USING (submission_id)
LEFT JOIN contracts k ON k.contract_id = q.named_contract
LEFT JOIN file_contract f ON f.file_sha256 = s.file_sha256;

-- The files that concern each contract (any line about it, accepted or quarantined), and how
-- many of their lines a later correction replaced.
CREATE TABLE contract_submissions AS
WITH about AS (
    SELECT DISTINCT s.file_sha256, l.contract_id
    FROM (SELECT submission_id, contract_id FROM accepted_lines
          UNION ALL SELECT submission_id, contract_id FROM quarantine_lines) l
    JOIN submissions s USING (submission_id)
    WHERE l.contract_id IS NOT NULL
), replaced AS (
    SELECT submission_id, count(*) AS superseded_lines
    FROM (SELECT submission_id FROM social_return_lines WHERE superseded
          UNION ALL SELECT submission_id FROM recycled_material_lines WHERE superseded
          UNION ALL SELECT submission_id FROM zero_emission_equipment_lines WHERE superseded)
    GROUP BY submission_id
)
SELECT a.contract_id, s.*, coalesce(r.superseded_lines, 0) AS superseded_lines
FROM about a
JOIN submissions s USING (file_sha256)
LEFT JOIN replaced r USING (submission_id)
ORDER BY s.received_at DESC, s.file_name;

-- The file (and row) a finding about a supplier's file rests on; ids as SPEC 4 makes them.
CREATE TEMP TABLE finding_source AS
SELECT left(sha256('data_quality|' || submission_id), 16) AS finding_id, submission_id, NULL::BIGINT AS source_row
FROM submissions WHERE status = 'refused' OR rows_quarantined > 0
UNION ALL
SELECT left(sha256('unsupported_claim|' || submission_id || '|' || source_row), 16), submission_id, source_row
FROM recycled_material_lines WHERE evidence_ref IS NULL;

-- Every finding with its contract, since when it holds, the commitment's latest figures and
-- what the contract allows; in overview order: severity, then newest first.
CREATE TABLE finding_rows AS
SELECT f.finding_id, f.kind, f.severity, f.status, f.commitment_id, f.report_type, f.period, f.detail,
       coalesce(f.contract_id, fc.contract_id) AS contract_id,
       k.buyer, k.title, k.supplier_name, k.supplier_kvk, lower(k.contract_manager) AS contract_manager,
       first_run.as_of AS first_seen, last_run.as_of AS last_seen, resolved_run.as_of AS resolved_on,
       c.metric, c.target, c.achieved, c.expected, c.shortfall, c.penalty_estimate_eur,
       m.penalty_rule, m.penalty_rate_eur, m.penalty_amount_eur,
       s.file_name, src.source_row, s.status AS file_status, s.refusal_reason, s.rows_received, s.rows_quarantined,
       r.material, r.recycled_tonnes,
       CASE f.severity WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END AS severity_rank,
       lower(coalesce(f.contract_id, fc.contract_id)) AS contract_key,
       lower(k.supplier_name) AS supplier_key,
       lower(concat_ws(' ', f.finding_id, f.contract_id, fc.contract_id, f.commitment_id, k.title,
                       k.supplier_name, k.buyer, f.period, f.detail)) AS search_text
FROM findings f
LEFT JOIN finding_source src USING (finding_id)
LEFT JOIN submissions s USING (submission_id)
LEFT JOIN file_contract fc ON fc.file_sha256 = s.file_sha256
LEFT JOIN contracts k ON k.contract_id = coalesce(f.contract_id, fc.contract_id)
LEFT JOIN commitment_status c ON c.commitment_id = f.commitment_id
LEFT JOIN commitments m ON m.commitment_id = f.commitment_id
LEFT JOIN recycled_material_lines r ON r.submission_id = src.submission_id AND r.source_row = src.source_row
LEFT JOIN runs first_run ON first_run.run_id = f.first_seen_run
LEFT JOIN runs last_run ON last_run.run_id = f.last_seen_run
LEFT JOIN runs resolved_run ON resolved_run.run_id = f.resolved_run
ORDER BY severity_rank, first_seen DESC, first_run.started_at DESC, f.finding_id;

-- Each commitment in the contract's own words, with this run's figures.
CREATE TABLE commitment_rows AS
SELECT m.commitment_id, m.contract_id, k.buyer, k.title, k.supplier_name, lower(k.contract_manager) AS contract_manager,
       m.kind, coalesce(c.metric, m.metric) AS metric,
       coalesce(c.target, m.target) AS target, m.scope, k.start_date, coalesce(m.due_date, k.end_date) AS due,
       m.trajectory, m.tolerance_pct, m.penalty_rule, m.penalty_rate_eur, m.penalty_amount_eur, m.description,
       c.as_of, c.status, c.achieved, c.expected, c.shortfall, c.forecast_at_due, c.penalty_estimate_eur,
       c.numerator, c.denominator
FROM commitments m
JOIN contracts k USING (contract_id)
LEFT JOIN commitment_status c USING (commitment_id)
ORDER BY m.contract_id, m.commitment_id;

-- Contracts, most troubled first, with their commitments' statuses and open findings.
CREATE TABLE contract_rows AS
WITH promised AS (
    SELECT contract_id, list({'commitment_id': commitment_id, 'status': status} ORDER BY commitment_id) AS statuses,
           min(CASE status WHEN 'breached' THEN 0 WHEN 'behind' THEN 1 WHEN 'no_data' THEN 2
                           WHEN 'on_track' THEN 3 WHEN 'not_started' THEN 4 ELSE 5 END) AS worst
    FROM commitment_rows GROUP BY contract_id
), open_findings AS (
    SELECT contract_id, count(*) AS open_findings FROM finding_rows WHERE status = 'open' GROUP BY contract_id
)
SELECT k.* REPLACE (lower(k.contract_manager) AS contract_manager), p.statuses,
       coalesce(o.open_findings, 0) AS open_findings
FROM contracts k
LEFT JOIN promised p USING (contract_id)
LEFT JOIN open_findings o USING (contract_id)
ORDER BY coalesce(p.worst, 5), coalesce(o.open_findings, 0) DESC, k.contract_id;
