-- Uploads (one record per upload) and the messages they are attached to.
--
-- A file's bytes are stored once, named by their SHA-256: many upload records may point at one
-- hash, each with its own id, uploader, name and type. The file may be deleted only when no
-- record points at its hash any more.

CREATE TABLE uploads (
  id          TEXT    PRIMARY KEY,         -- random and unguessable, made by the caller: the
                                           -- id is in the URL, so it must not be enumerable
  uploader_id INTEGER NOT NULL REFERENCES users (id),
  name        TEXT    NOT NULL,            -- file name as given by the uploader
  type        TEXT    NOT NULL,            -- media type
  size        INTEGER NOT NULL,            -- bytes
  sha256      TEXT    NOT NULL,            -- the content's hash: the stored file's name
  created_at  INTEGER NOT NULL             -- unix seconds; never-attached ones expire after a day
) WITHOUT ROWID;  -- keyed by the text id itself: no hidden rowid with a second index on id
-- Deduplication on upload and the sweep's "does any record still use this file?" are lookups by
-- hash.
CREATE INDEX uploads_by_sha256 ON uploads (sha256);

-- A message's attachments, in order. Keyed like messages (channel, per-channel id) so that a
-- page of history finds its attachments with one range scan of the primary key. Only attached
-- uploads are readable by others, and only never-attached ones are swept, so a row here keeps
-- its upload (and file) for good.
CREATE TABLE message_attachments (
  channel_id INTEGER NOT NULL,
  message_id INTEGER NOT NULL,
  position   INTEGER NOT NULL,             -- 0-based order within the message
  upload_id  TEXT    NOT NULL REFERENCES uploads (id),
  PRIMARY KEY (channel_id, message_id, position)
) WITHOUT ROWID;
-- Who may read an upload, whether an upload was ever attached (the sweep), and the foreign key
-- check when an upload record is deleted all look attachments up by upload.
CREATE INDEX message_attachments_by_upload ON message_attachments (upload_id);
