-- Audit §1.2 missing index 1 (P1): events of a session by time, covering the columns the
-- listing reads so the heap is not visited for them.
CREATE INDEX idx_session_events_session_created_covering
  ON session_events (session_id, created_at DESC) INCLUDE (event_type, sequence);
