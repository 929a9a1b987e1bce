-- Checklist runs: one per incident, with the state of each step, so a restarted bot resumes
-- where it stopped and never runs a succeeded step again.

CREATE TABLE runs (
  incident_id  INTEGER PRIMARY KEY REFERENCES incidents (id),
  -- The runbook and target as they were when the run started: a resumed run keeps its parameters.
  spec         TEXT NOT NULL CHECK (json_valid(spec) AND json_type(spec) = 'object'),
  status       TEXT NOT NULL CHECK (status IN ('active', 'waiting-approval', 'finished')),
  verdict      TEXT,
  started_at   TEXT NOT NULL,
  updated_at   TEXT NOT NULL,
  CHECK ((status = 'finished') = (verdict IS NOT NULL))
) STRICT;

CREATE INDEX runs_status ON runs (status);

CREATE TABLE run_steps (
  incident_id  INTEGER NOT NULL REFERENCES runs (incident_id),
  position     INTEGER NOT NULL,
  step         TEXT NOT NULL,
  status       TEXT NOT NULL DEFAULT 'pending'
               CHECK (status IN ('pending', 'running', 'waiting-approval', 'succeeded', 'failed', 'skipped')),
  attempts     INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  started_at   TEXT,
  finished_at  TEXT,
  result       TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(result) AND json_type(result) = 'object'),
  error        TEXT,
  PRIMARY KEY (incident_id, step),
  UNIQUE (incident_id, position)
) STRICT;
