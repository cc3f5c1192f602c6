-- The three monthly-partitioned tables (bo1-facts §1.1, §1.4-§1.6) with the indexes they had on
-- 2025-12-22, including bo1's duplicates and GIN indexes: their write cost is part of what
-- loadlab measures.

CREATE SEQUENCE session_events_id_seq;
CREATE TABLE session_events (
  id bigint NOT NULL DEFAULT nextval('session_events_id_seq'),
  session_id varchar(255) NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  event_type varchar(100) NOT NULL,
  sequence int NOT NULL,
  data jsonb NOT NULL,
  user_id varchar(255) NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz DEFAULT now(),
  PRIMARY KEY (id, created_at),
  CONSTRAINT unique_session_sequence UNIQUE (session_id, sequence, created_at)
) PARTITION BY RANGE (created_at);
ALTER SEQUENCE session_events_id_seq OWNED BY session_events.id;
-- Made by the partitioning migration (2025-11-30); the audit's "missing" index in plain form.
CREATE INDEX idx_session_events_session_id ON session_events (session_id, created_at DESC);
CREATE INDEX idx_session_events_session_sequence ON session_events (session_id, sequence);
CREATE INDEX idx_session_events_event_type ON session_events (event_type);
CREATE INDEX idx_session_events_created_at ON session_events (created_at DESC);
CREATE INDEX idx_session_events_user_id ON session_events (user_id);
CREATE INDEX idx_session_events_data ON session_events USING gin (data);
CREATE TRIGGER trg_session_events_updated_at BEFORE UPDATE ON session_events FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE SEQUENCE api_costs_id_seq;
CREATE TABLE api_costs (
  id bigint NOT NULL DEFAULT nextval('api_costs_id_seq'),
  request_id uuid NOT NULL DEFAULT gen_random_uuid(),
  created_at timestamptz NOT NULL DEFAULT now(),
  session_id varchar(255) REFERENCES sessions (id) ON DELETE CASCADE,
  user_id varchar(255) REFERENCES users (id) ON DELETE SET NULL,
  provider varchar(50) NOT NULL
    CONSTRAINT api_costs_provider_check CHECK (provider IN ('anthropic', 'voyage', 'brave', 'tavily')),
  model_name varchar(100),
  operation_type varchar(50) NOT NULL,
  node_name varchar(100),
  phase varchar(50),
  persona_name varchar(100),
  round_number int,
  sub_problem_index int,
  input_tokens int NOT NULL DEFAULT 0,
  output_tokens int NOT NULL DEFAULT 0,
  total_tokens int GENERATED ALWAYS AS (input_tokens + output_tokens) STORED,
  cache_creation_tokens int NOT NULL DEFAULT 0,
  cache_read_tokens int NOT NULL DEFAULT 0,
  cache_hit boolean NOT NULL DEFAULT false,
  input_cost numeric(12, 8) NOT NULL DEFAULT 0,
  output_cost numeric(12, 8) NOT NULL DEFAULT 0,
  cache_write_cost numeric(12, 8) NOT NULL DEFAULT 0,
  cache_read_cost numeric(12, 8) NOT NULL DEFAULT 0,
  total_cost numeric(12, 8) NOT NULL CONSTRAINT api_costs_total_cost_check CHECK (total_cost >= 0),
  optimization_type varchar(50),
  cost_without_optimization numeric(12, 8),
  latency_ms int,
  status varchar(20) NOT NULL DEFAULT 'success',
  error_message text,
  metadata jsonb NOT NULL DEFAULT '{}',
  contribution_id int,
  recommendation_id int,
  feature varchar(50),
  cost_category varchar(50) NOT NULL DEFAULT 'user',
  PRIMARY KEY (id, created_at),
  CONSTRAINT api_costs_request_id_key UNIQUE (request_id, created_at)
) PARTITION BY RANGE (created_at);
ALTER SEQUENCE api_costs_id_seq OWNED BY api_costs.id;
-- Both exist at audit time (i1, 2025-12-11) and are exact duplicates, as in bo1.
CREATE INDEX idx_api_costs_session ON api_costs (session_id, created_at DESC);
CREATE INDEX idx_api_costs_session_created ON api_costs (session_id, created_at DESC);
CREATE INDEX idx_api_costs_session_subproblem ON api_costs (session_id, sub_problem_index);
CREATE INDEX idx_api_costs_session_node ON api_costs (session_id, node_name);
CREATE INDEX idx_api_costs_user ON api_costs (user_id, created_at DESC);
CREATE INDEX idx_api_costs_user_created ON api_costs (user_id, created_at DESC);
CREATE INDEX idx_api_costs_user_feature_date ON api_costs (user_id, feature, created_at DESC)
  WHERE user_id IS NOT NULL AND feature IS NOT NULL;
CREATE INDEX idx_api_costs_created ON api_costs (created_at DESC);
CREATE INDEX idx_api_costs_analysis ON api_costs (created_at DESC, session_id, provider, total_cost);
CREATE INDEX idx_api_costs_provider_model ON api_costs (provider, model_name);
CREATE INDEX idx_api_costs_node_name ON api_costs (node_name);
CREATE INDEX idx_api_costs_phase ON api_costs (phase);
CREATE INDEX idx_api_costs_cost_category ON api_costs (cost_category);
CREATE INDEX idx_api_costs_contribution_id ON api_costs (contribution_id);
CREATE INDEX idx_api_costs_recommendation_id ON api_costs (recommendation_id);
CREATE INDEX idx_api_costs_metadata ON api_costs USING gin (metadata);

CREATE TABLE daily_user_feature_costs (
  id serial PRIMARY KEY,
  user_id varchar(255) NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  feature varchar(50) NOT NULL,
  date date NOT NULL,
  total_cost numeric(10, 6) NOT NULL DEFAULT 0,
  request_count int NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT daily_user_feature_costs_key UNIQUE (user_id, feature, date)
);
CREATE INDEX idx_daily_user_feature_costs_user_date ON daily_user_feature_costs (user_id, date DESC);
CREATE INDEX idx_daily_user_feature_costs_feature_date ON daily_user_feature_costs (feature, date DESC);

CREATE SEQUENCE contributions_id_seq AS int;
CREATE TABLE contributions (
  id int NOT NULL DEFAULT nextval('contributions_id_seq'),
  session_id varchar(255) NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  persona_code varchar(50) NOT NULL REFERENCES personas (code),
  content text NOT NULL,
  round_number int NOT NULL,
  phase varchar(50) NOT NULL,
  cost numeric(10, 4) NOT NULL DEFAULT 0,
  tokens int NOT NULL DEFAULT 0,
  model varchar(100) NOT NULL,
  embedding real[],
  user_id varchar(255) NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL,
  status varchar(20) DEFAULT 'committed'
    CONSTRAINT contributions_status_check CHECK (status IN ('in_flight', 'committed', 'rolled_back')),
  PRIMARY KEY (id, created_at)
) PARTITION BY RANGE (created_at);
ALTER SEQUENCE contributions_id_seq OWNED BY contributions.id;
CREATE INDEX idx_contributions_session_created ON contributions (session_id, created_at DESC);
CREATE INDEX idx_contributions_session_round ON contributions (session_id, round_number);
CREATE INDEX idx_contributions_persona_session ON contributions (persona_code, session_id);
CREATE INDEX idx_contributions_round_number ON contributions (round_number);
CREATE INDEX idx_contributions_user_id ON contributions (user_id);
CREATE INDEX idx_contributions_created_at ON contributions (created_at DESC);
CREATE INDEX idx_contributions_in_flight ON contributions (status) WHERE status = 'in_flight';

-- 13 monthly partitions per table: months -6 .. +6 around the month the migration runs in.
SELECT ensure_month_partitions('session_events', 6, 6);
SELECT ensure_month_partitions('api_costs', 6, 6);
SELECT ensure_month_partitions('contributions', 6, 6);
