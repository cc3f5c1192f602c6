-- Users, their context, personas, projects, sessions and session_tasks as of 2025-12-22
-- (bo1-facts §1.2, §1.3, §1.6, §1.7, §1.8). Columns not on any hot path are trimmed; see
-- docs/schema-deviations.md.

CREATE TABLE users (
  id varchar(255) PRIMARY KEY,
  email varchar(255) NOT NULL UNIQUE,
  auth_provider varchar(50) NOT NULL DEFAULT 'email',
  subscription_tier varchar(50) NOT NULL DEFAULT 'free',
  is_admin boolean NOT NULL DEFAULT false,
  is_locked boolean NOT NULL DEFAULT false,
  deleted_at timestamptz,
  data_retention_days int NOT NULL DEFAULT 730
    CONSTRAINT users_data_retention_days_check CHECK (data_retention_days = -1 OR data_retention_days BETWEEN 365 AND 1095),
  skip_clarification boolean NOT NULL DEFAULT false,
  meeting_credits int NOT NULL DEFAULT 0,
  preferred_currency varchar(3) NOT NULL DEFAULT 'GBP',
  default_workspace_id uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE user_context (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id varchar(255) NOT NULL UNIQUE REFERENCES users (id) ON DELETE CASCADE,
  business_model text,
  target_market text,
  product_description text,
  revenue varchar(100),
  customers varchar(100),
  growth_rate varchar(100),
  competitors text,
  company_name varchar(255),
  business_stage varchar(50),
  primary_objective text,
  industry varchar(100),
  team_size varchar(50),
  clarifications jsonb NOT NULL DEFAULT '{}',
  context_metric_history jsonb NOT NULL DEFAULT '{}',
  pending_updates jsonb NOT NULL DEFAULT '[]',
  benchmark_history jsonb NOT NULL DEFAULT '{}',
  competitor_insights jsonb NOT NULL DEFAULT '{}',
  trend_insights jsonb NOT NULL DEFAULT '{}',
  managed_competitors jsonb NOT NULL DEFAULT '[]',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX idx_user_context_competitor_insights ON user_context USING gin (competitor_insights);
CREATE INDEX idx_user_context_trend_insights ON user_context USING gin (trend_insights);
CREATE INDEX idx_user_context_managed_competitors ON user_context USING gin (managed_competitors);

CREATE TABLE personas (
  id serial PRIMARY KEY,
  code varchar(50) NOT NULL UNIQUE,
  name varchar(255) NOT NULL,
  expertise varchar(500) NOT NULL DEFAULT '',
  system_prompt text NOT NULL DEFAULT '',
  is_dynamic boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE projects (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id varchar(255) NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name varchar(255) NOT NULL,
  description text,
  status varchar(20) NOT NULL DEFAULT 'active'
    CONSTRAINT projects_status_check CHECK (status IN ('active', 'paused', 'completed', 'archived')),
  target_end_date date,
  estimated_end_date date,
  progress_percent int NOT NULL DEFAULT 0
    CONSTRAINT projects_progress_check CHECK (progress_percent BETWEEN 0 AND 100),
  total_actions int NOT NULL DEFAULT 0,
  completed_actions int NOT NULL DEFAULT 0,
  color varchar(7),
  icon varchar(50),
  version int NOT NULL DEFAULT 1,
  deleted_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT projects_completed_le_total CHECK (completed_actions <= total_actions),
  CONSTRAINT projects_user_name_version_key UNIQUE (user_id, name, version)
);
CREATE INDEX idx_projects_user_id ON projects (user_id);

-- Deviation: bo1's status default 'active' violates its own CHECK (every INSERT without an
-- explicit status failed), and the session manager wrote 'evicting'/'evicted', which the CHECK
-- rejected. loadlab defaults to 'created' and admits the two eviction states.
CREATE TABLE sessions (
  id varchar(255) PRIMARY KEY,
  user_id varchar(255) NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  problem_statement text NOT NULL,
  problem_context json,
  status varchar(50) NOT NULL DEFAULT 'created'
    CONSTRAINT sessions_status_check CHECK (status IN (
      'created', 'running', 'completed', 'failed', 'killed', 'deleted', 'paused', 'terminated',
      'evicting', 'evicted')),
  phase varchar(50) NOT NULL DEFAULT 'problem_decomposition'
    CONSTRAINT sessions_phase_check CHECK (phase IN (
      'intake', 'decomposition', 'selection', 'initial_round', 'discussion', 'voting', 'synthesis',
      'complete', 'problem_decomposition', 'context_collection', 'convergence', 'exploration',
      'identify_gaps', 'clarification_needed', 'challenge', 'recommendations')),
  total_cost numeric(10, 4) NOT NULL DEFAULT 0,
  total_tokens int NOT NULL DEFAULT 0,
  round_number int NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  completed_at timestamptz,
  killed_at timestamptz,
  killed_by varchar(255),
  kill_reason varchar(500),
  synthesis_text text,
  final_recommendation text,
  expert_count int NOT NULL DEFAULT 0,
  contribution_count int NOT NULL DEFAULT 0,
  focus_area_count int NOT NULL DEFAULT 0,
  workspace_id uuid,
  terminated_at timestamptz,
  termination_reason text,
  termination_type varchar(32),
  has_untracked_costs boolean DEFAULT false,
  recovery_needed boolean NOT NULL DEFAULT false,
  failure_acknowledged_at timestamptz,
  persona_count_variant smallint
    CONSTRAINT sessions_persona_count_variant_check CHECK (persona_count_variant IS NULL OR persona_count_variant IN (3, 5)),
  total_sub_problems int
);
CREATE INDEX idx_sessions_user_id ON sessions (user_id);
CREATE INDEX idx_sessions_status ON sessions (status);
CREATE INDEX idx_sessions_created_at ON sessions (created_at);
-- Created by bo1 migration n1 on 2025-12-11, so present at audit time (bo1-facts §1.9); the audit
-- recommended it anyway. The covering variant is in optimizations/.
CREATE INDEX idx_sessions_user_created ON sessions (user_id, created_at DESC);
CREATE INDEX idx_sessions_failure_ack ON sessions (user_id, status, failure_acknowledged_at)
  WHERE status = 'failed' AND failure_acknowledged_at IS NULL;
CREATE INDEX idx_sessions_untracked_costs ON sessions (id) WHERE has_untracked_costs;
CREATE INDEX idx_sessions_recovery_needed ON sessions (id) WHERE recovery_needed;
CREATE INDEX idx_sessions_terminated_at ON sessions (terminated_at) WHERE terminated_at IS NOT NULL;
CREATE INDEX idx_sessions_workspace_id ON sessions (workspace_id);
CREATE TRIGGER trg_sessions_updated_at BEFORE UPDATE ON sessions FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE session_tasks (
  id bigserial PRIMARY KEY,
  session_id varchar(255) NOT NULL UNIQUE REFERENCES sessions (id) ON DELETE CASCADE,
  tasks jsonb NOT NULL,
  total_tasks int NOT NULL DEFAULT 0 CONSTRAINT session_tasks_total_tasks_check CHECK (total_tasks >= 0),
  extraction_confidence numeric(3, 2) NOT NULL DEFAULT 0.0
    CONSTRAINT session_tasks_confidence_check CHECK (extraction_confidence BETWEEN 0 AND 1),
  synthesis_sections_analyzed text[] DEFAULT '{}',
  extracted_at timestamptz NOT NULL DEFAULT now(),
  sub_problem_index int,
  user_id varchar(255) NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  task_statuses jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX idx_session_tasks_session_id ON session_tasks (session_id);
CREATE INDEX idx_session_tasks_extracted_at ON session_tasks (extracted_at DESC);
CREATE INDEX idx_session_tasks_tasks ON session_tasks USING gin (tasks);
CREATE INDEX idx_session_tasks_task_statuses ON session_tasks USING gin (task_statuses);
CREATE INDEX idx_session_tasks_user_id ON session_tasks (user_id);
CREATE INDEX idx_session_tasks_sub_problem_index ON session_tasks (sub_problem_index);

CREATE TABLE session_clarifications (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  session_id varchar(255) NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  question text NOT NULL,
  asked_by_persona varchar(100),
  priority varchar(20) CONSTRAINT session_clarifications_priority_check CHECK (priority IN ('CRITICAL', 'NICE_TO_HAVE')),
  reason text,
  answer text,
  answered_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX idx_session_clarifications_session_id ON session_clarifications (session_id);

-- Embeddings as real[] (bo1 used pgvector vector(1024) with an HNSW index; pgvector is not
-- available on every target here, so similarity is computed by the engine).
CREATE TABLE research_cache (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  question text NOT NULL,
  answer_summary text NOT NULL,
  confidence varchar(10) CONSTRAINT research_cache_confidence_check CHECK (confidence IN ('high', 'medium', 'low')),
  sources jsonb NOT NULL DEFAULT '[]',
  category varchar(100),
  industry varchar(100),
  research_date timestamptz NOT NULL DEFAULT now(),
  access_count int NOT NULL DEFAULT 1,
  last_accessed_at timestamptz NOT NULL DEFAULT now(),
  tokens_used int,
  research_cost_usd numeric(10, 6),
  question_embedding real[],
  user_id varchar(255) REFERENCES users (id) ON DELETE SET NULL,
  is_shareable boolean NOT NULL DEFAULT true
);
CREATE INDEX idx_research_cache_category ON research_cache (category);
CREATE INDEX idx_research_cache_industry ON research_cache (industry);
CREATE INDEX idx_research_cache_category_date ON research_cache (category, research_date DESC);
CREATE INDEX idx_research_cache_research_date ON research_cache (research_date DESC);
CREATE INDEX idx_research_cache_industry_shareable ON research_cache (industry, is_shareable);

-- loadlab addition: bo1 authenticates through SuperTokens; loadlab maps bearer tokens to users
-- by their SHA-256 so that the seeder and the API agree without a third service.
CREATE TABLE api_tokens (
  token_sha256 char(64) PRIMARY KEY,
  user_id varchar(255) NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  label varchar(100) NOT NULL DEFAULT 'default',
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX idx_api_tokens_user_id ON api_tokens (user_id);
