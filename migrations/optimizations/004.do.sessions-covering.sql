-- Audit §1.2 missing index 3 (P1): a user's sessions newest first, covering the listing's
-- status, problem_statement and phase.
CREATE INDEX idx_sessions_user_created_covering
  ON sessions (user_id, created_at DESC) INCLUDE (status, problem_statement, phase);
