-- Alertmanager alerts, written before the webhook is answered and processed after it. One row per
-- delivery key (fingerprint, startsAt, status): a re-sent delivery inserts nothing.

CREATE TABLE alerts (
  alert_key     TEXT PRIMARY KEY,
  fingerprint   TEXT NOT NULL,
  status        TEXT NOT NULL CHECK (status IN ('firing', 'resolved')),
  alertname     TEXT NOT NULL,
  labels        TEXT NOT NULL CHECK (json_valid(labels) AND json_type(labels) = 'object'),
  annotations   TEXT NOT NULL CHECK (json_valid(annotations) AND json_type(annotations) = 'object'),
  starts_at     TEXT NOT NULL,
  ends_at       TEXT NOT NULL,
  received_at   TEXT NOT NULL,
  processed_at  TEXT,
  -- What processing did: opened, joined, resolved, or skipped and why.
  outcome       TEXT,
  incident_id   INTEGER REFERENCES incidents (id),
  CHECK ((processed_at IS NULL) = (outcome IS NULL))
) STRICT;

CREATE INDEX alerts_unprocessed ON alerts (received_at) WHERE processed_at IS NULL;
CREATE INDEX alerts_incident ON alerts (incident_id, fingerprint, status);
CREATE INDEX alerts_fingerprint ON alerts (fingerprint, status);
