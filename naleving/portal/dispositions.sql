-- What contract managers did about a finding. Append-only, and the database itself says so:
-- no row is ever changed or removed, not even through INSERT OR REPLACE.
CREATE TABLE IF NOT EXISTS dispositions (
    id           INTEGER PRIMARY KEY,
    finding_id   TEXT NOT NULL CHECK (length(finding_id) = 16),
    action       TEXT NOT NULL CHECK (action IN ('acknowledged', 'in_dialogue', 'penalty_imposed', 'waived')),
    reason       TEXT CHECK (action <> 'waived' OR length(trim(reason)) > 0),
    actor        TEXT NOT NULL,
    organisation TEXT NOT NULL,
    recorded_at  TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS dispositions_by_finding ON dispositions (finding_id, id);

CREATE TRIGGER IF NOT EXISTS dispositions_no_update BEFORE UPDATE ON dispositions
BEGIN SELECT RAISE(ABORT, 'dispositions are append-only: no UPDATE'); END;

CREATE TRIGGER IF NOT EXISTS dispositions_no_delete BEFORE DELETE ON dispositions
BEGIN SELECT RAISE(ABORT, 'dispositions are append-only: no DELETE'); END;

-- REPLACE deletes the old row without firing delete triggers; refuse a reused id instead.
CREATE TRIGGER IF NOT EXISTS dispositions_no_replace BEFORE INSERT ON dispositions
WHEN EXISTS (SELECT 1 FROM dispositions WHERE id = NEW.id)
BEGIN SELECT RAISE(ABORT, 'dispositions are append-only: id already used'); END;
