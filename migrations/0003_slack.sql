-- Slack: requests already handled (Slack re-sends on a slow ack: X-Slack-Retry-Num) and the
-- lookup from a thread's parent message to its incident card.

CREATE TABLE slack_requests (
  request_key  TEXT PRIMARY KEY,
  received_at  TEXT NOT NULL
) STRICT;

CREATE INDEX slack_requests_received ON slack_requests (received_at);

CREATE INDEX incidents_chat ON incidents (chat_channel, chat_ts) WHERE chat_ts IS NOT NULL;
