-- Users, channels, memberships, messages, read markers and revoked tokens.

CREATE TABLE users (
  id            INTEGER PRIMARY KEY,
  username      TEXT    NOT NULL,          -- as registered
  username_key  TEXT    NOT NULL UNIQUE,   -- lower-cased: unique regardless of case
  password_hash TEXT    NOT NULL,
  created_at    INTEGER NOT NULL           -- unix seconds
);

CREATE TABLE channels (
  id              INTEGER PRIMARY KEY,
  name            TEXT    NOT NULL UNIQUE,  -- case-sensitive
  kind            TEXT    NOT NULL CHECK (kind IN ('public', 'private', 'dm', 'match')),
  created_by      INTEGER REFERENCES users (id),
  created_at      INTEGER NOT NULL,
  last_message_id INTEGER NOT NULL DEFAULT 0  -- the channel's sequence, survives restarts
);

CREATE TABLE memberships (
  channel_id INTEGER NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
  user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  joined_at  INTEGER NOT NULL,
  PRIMARY KEY (channel_id, user_id)
) WITHOUT ROWID;
CREATE INDEX memberships_by_user ON memberships (user_id);

CREATE TABLE messages (
  channel_id INTEGER NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
  id         INTEGER NOT NULL,             -- per-channel sequence number
  user_id    INTEGER NOT NULL REFERENCES users (id),
  sender     TEXT    NOT NULL,             -- username as registered, kept for cheap history reads
  text       TEXT    NOT NULL,
  ts         INTEGER NOT NULL,             -- unix milliseconds
  PRIMARY KEY (channel_id, id)
) WITHOUT ROWID;

CREATE TABLE read_markers (
  user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  channel_id INTEGER NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
  message_id INTEGER NOT NULL,
  PRIMARY KEY (user_id, channel_id)
) WITHOUT ROWID;

CREATE TABLE revoked_tokens (
  jti        TEXT    PRIMARY KEY,
  expires_at INTEGER NOT NULL              -- unix seconds; rows past this can be purged
) WITHOUT ROWID;
CREATE INDEX revoked_tokens_by_expiry ON revoked_tokens (expires_at);
