-- The rss-peak step becomes the evidence step: RSS samples through exec are one of its sources,
-- beside Prometheus, the Go runtime, cgroup files and the kernel's report. A stored peak becomes
-- the evidence it was.
UPDATE run_steps
SET step = 'evidence',
    result = CASE
      WHEN json_extract(result, '$.peakBytes') IS NOT NULL THEN json_object('evidence', json_array(json_object(
        'source', 'rss-sample', 'kind', 'measured-peak', 'bytes', json_extract(result, '$.peakBytes'),
        'detail', 'RSS of the running container, sampled through exec')), 'problems', json_array())
      ELSE '{}'
    END
WHERE step = 'rss-peak';

-- Escalation: when the patched pod is OOMKilled again, the same run proposes the next limit. The
-- run counts its rounds; a finished round's propose..health records are kept here, in order.
ALTER TABLE runs ADD COLUMN round INTEGER NOT NULL DEFAULT 1 CHECK (round >= 1);

CREATE TABLE run_rounds (
  incident_id  INTEGER NOT NULL REFERENCES runs (incident_id),
  round        INTEGER NOT NULL CHECK (round >= 1),
  -- The round's step records (propose, approve, apply, wait, health) as they ended.
  steps        TEXT NOT NULL CHECK (json_valid(steps) AND json_type(steps) = 'array'),
  ended_at     TEXT NOT NULL,
  PRIMARY KEY (incident_id, round)
) STRICT;
