-- loadlab recommendation (issue 15, docs/decisions/006-checkpoints.md): where a deliberation's
-- checkpoint goes when Redis does not answer at session start, instead of process memory (which a
-- restart loses). One row per state part, so a step rewrites only the parts it changed.
CREATE TABLE session_checkpoints (
  session_id varchar(255) NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  part varchar(32) NOT NULL,
  body text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  -- The same TTL as the Redis key: expired rows are ignored on read (and go with their session).
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (session_id, part)
);
CREATE INDEX idx_session_checkpoints_expires ON session_checkpoints (expires_at);
