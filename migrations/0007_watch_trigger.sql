-- oom-check: foreign-keys-off
-- A fourth trigger: the bot's own watch on pods opens incidents within a second of an OOM kill.
-- SQLite cannot change a CHECK in place, so incidents is rebuilt as SQLite's procedure says
-- (foreign keys off for this migration only, checked clean before it commits).

CREATE TABLE incidents_new (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  dedupe_key    TEXT NOT NULL CHECK (length(dedupe_key) > 0),
  cluster       TEXT NOT NULL,
  namespace     TEXT NOT NULL,
  pod           TEXT NOT NULL,
  owner_kind    TEXT,
  owner_name    TEXT,
  container     TEXT,
  trigger       TEXT NOT NULL CHECK (trigger IN ('slack', 'alertmanager', 'sweep', 'cli', 'watch')),
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

INSERT INTO incidents_new SELECT id, dedupe_key, cluster, namespace, pod, owner_kind, owner_name, container, trigger,
  status, opened_at, closed_at, verdict, chat_channel, chat_ts FROM incidents;
DROP TABLE incidents;
ALTER TABLE incidents_new RENAME TO incidents;

CREATE UNIQUE INDEX incidents_open_dedupe_key ON incidents (dedupe_key) WHERE status = 'open';
CREATE INDEX incidents_status_opened ON incidents (status, opened_at);
CREATE INDEX incidents_chat ON incidents (chat_channel, chat_ts) WHERE chat_ts IS NOT NULL;
