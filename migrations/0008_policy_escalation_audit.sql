-- Self-heal policies count a workload's automatic fixes from the timeline: find them by kind and time.
CREATE INDEX timeline_events_kind_at ON timeline_events (kind, at);

-- Every command and click, who, where, what and the result: evidence for a SIEM, append-only as
-- the timeline is (the database itself refuses to change or remove a row).
CREATE TABLE audit_log (
  seq      INTEGER PRIMARY KEY AUTOINCREMENT,
  at       TEXT NOT NULL,
  actor    TEXT NOT NULL CHECK (length(actor) > 0),
  source   TEXT NOT NULL CHECK (source IN ('slack', 'cli')),
  place    TEXT NOT NULL CHECK (length(place) > 0),
  action   TEXT NOT NULL CHECK (length(action) > 0),
  target   TEXT,
  allowed  INTEGER NOT NULL CHECK (allowed IN (0, 1)),
  result   TEXT NOT NULL,
  detail   TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(detail) AND json_type(detail) = 'object')
) STRICT;

CREATE INDEX audit_log_at ON audit_log (at);

CREATE TRIGGER audit_log_no_update
BEFORE UPDATE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only: rows cannot be updated');
END;

CREATE TRIGGER audit_log_no_delete
BEFORE DELETE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only: rows cannot be deleted');
END;
