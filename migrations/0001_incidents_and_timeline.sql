-- Incidents and their append-only timeline.
-- Released migrations are never edited: oom-check refuses to start when a checksum changes.

CREATE TABLE incidents (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  dedupe_key    TEXT NOT NULL CHECK (length(dedupe_key) > 0),
  cluster       TEXT NOT NULL,
  namespace     TEXT NOT NULL,
  pod           TEXT NOT NULL,
  owner_kind    TEXT,
  owner_name    TEXT,
  container     TEXT,
  trigger       TEXT NOT NULL CHECK (trigger IN ('slack', 'alertmanager', 'sweep', 'cli')),
  status        TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
  opened_at     TEXT NOT NULL,
  closed_at     TEXT,
  verdict       TEXT,
  chat_channel  TEXT,
  chat_ts       TEXT,
  CHECK ((owner_kind IS NULL) = (owner_name IS NULL)),
  CHECK ((chat_channel IS NULL) = (chat_ts IS NULL)),
  CHECK ((status = 'closed') = (closed_at IS NOT NULL))
) STRICT;

-- At most one open incident per workload; closed ones keep their key for history.
CREATE UNIQUE INDEX incidents_open_dedupe_key ON incidents (dedupe_key) WHERE status = 'open';
CREATE INDEX incidents_status_opened ON incidents (status, opened_at);

CREATE TABLE timeline_events (
  seq          INTEGER PRIMARY KEY AUTOINCREMENT,
  incident_id  INTEGER NOT NULL REFERENCES incidents (id),
  at           TEXT NOT NULL,
  kind         TEXT NOT NULL CHECK (length(kind) > 0),
  actor        TEXT NOT NULL CHECK (length(actor) > 0),
  step         TEXT,
  data         TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(data) AND json_type(data) = 'object')
) STRICT;

CREATE INDEX timeline_events_incident ON timeline_events (incident_id, seq);

-- The timeline is evidence: the database itself refuses to change or remove a row.
CREATE TRIGGER timeline_events_no_update
BEFORE UPDATE ON timeline_events
BEGIN
  SELECT RAISE(ABORT, 'timeline_events is append-only: rows cannot be updated');
END;

CREATE TRIGGER timeline_events_no_delete
BEFORE DELETE ON timeline_events
BEGIN
  SELECT RAISE(ABORT, 'timeline_events is append-only: rows cannot be deleted');
END;
