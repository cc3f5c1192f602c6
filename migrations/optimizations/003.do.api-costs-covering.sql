-- Audit §1.2 missing index 2 (P1): cost aggregation by session, covering total_cost and
-- cache_hit so the per-session sums can be answered from the index.
CREATE INDEX idx_api_costs_session_created_covering
  ON api_costs (session_id, created_at DESC) INCLUDE (total_cost, cache_hit);
