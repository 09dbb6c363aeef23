-- Uploads and the messages they are attached to: the same schema as migrations/0002_uploads.sql
-- in PostgreSQL's dialect (see there for why each index exists).

CREATE TABLE uploads (
  id          TEXT   COLLATE "C" PRIMARY KEY,  -- random and unguessable, made by the caller
  uploader_id BIGINT NOT NULL REFERENCES users (id),
  name        TEXT   NOT NULL,                 -- file name as given by the uploader
  type        TEXT   NOT NULL,                 -- media type
  size        BIGINT NOT NULL,                 -- bytes
  sha256      TEXT   COLLATE "C" NOT NULL,     -- the content's hash: the stored file's name
  created_at  BIGINT NOT NULL                  -- unix seconds; never-attached ones expire
);
CREATE INDEX uploads_by_sha256 ON uploads (sha256);

CREATE TABLE message_attachments (
  channel_id BIGINT NOT NULL,
  message_id BIGINT NOT NULL,
  position   BIGINT NOT NULL,                  -- 0-based order within the message
  upload_id  TEXT   COLLATE "C" NOT NULL REFERENCES uploads (id),
  PRIMARY KEY (channel_id, message_id, position)
);
CREATE INDEX message_attachments_by_upload ON message_attachments (upload_id);
