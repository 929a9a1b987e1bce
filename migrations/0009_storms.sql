-- Storm mode: when incidents open faster than the threshold, one storm card in the default
-- channel lists them instead of a card each. A storm is open until ended_at; its members are the
-- incidents it lists (those opened while it ran have no card of their own: the storm card's
-- thread is theirs).

CREATE TABLE storms (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  channel     TEXT NOT NULL CHECK (length(channel) > 0),
  chat_ts     TEXT,
  started_at  TEXT NOT NULL,
  ended_at    TEXT
) STRICT;

-- At most one storm runs at a time.
CREATE UNIQUE INDEX storms_one_running ON storms ((1)) WHERE ended_at IS NULL;

CREATE TABLE storm_members (
  incident_id  INTEGER PRIMARY KEY REFERENCES incidents (id),
  storm_id     INTEGER NOT NULL REFERENCES storms (id),
  joined_at    TEXT NOT NULL
) STRICT;

CREATE INDEX storm_members_storm ON storm_members (storm_id, incident_id);
