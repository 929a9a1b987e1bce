-- Which process advances a run now. A process claims a run before acting on it and renews the
-- claim while it works; another process leaves the run alone until the claim expires, so two
-- processes on one database never run the same step (or send the same patch) twice.

CREATE TABLE run_claims (
  incident_id  INTEGER PRIMARY KEY REFERENCES runs (incident_id),
  -- host:pid:nonce of the process, as it names itself in messages to whoever is refused.
  owner        TEXT NOT NULL CHECK (length(owner) > 0),
  claimed_at   TEXT NOT NULL,
  until        TEXT NOT NULL CHECK (until >= claimed_at)
) STRICT;
