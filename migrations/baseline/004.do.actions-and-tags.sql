-- Actions, tags and their links as of 2025-12-22 (bo1-facts §1.7). Note there is no
-- (tag_id, action_id) index on action_tags: the audit recommended one (optimizations/).

CREATE TABLE actions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id varchar(255) NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  source_session_id varchar(255) NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  project_id uuid REFERENCES projects (id) ON DELETE SET NULL,
  title text NOT NULL,
  description text NOT NULL,
  what_and_how text[] NOT NULL DEFAULT '{}',
  success_criteria text[] NOT NULL DEFAULT '{}',
  kill_criteria text[] NOT NULL DEFAULT '{}',
  status varchar(20) NOT NULL DEFAULT 'todo',
  priority varchar(20) NOT NULL DEFAULT 'medium',
  category varchar(50) NOT NULL DEFAULT 'implementation',
  timeline text,
  estimated_duration_days int CONSTRAINT actions_estimated_duration_check CHECK (estimated_duration_days > 0),
  target_start_date date,
  target_end_date date,
  estimated_start_date date,
  estimated_end_date date,
  actual_start_date timestamptz,
  actual_end_date timestamptz,
  blocking_reason text,
  blocked_at timestamptz,
  auto_unblock boolean NOT NULL DEFAULT false,
  confidence numeric(3, 2) CONSTRAINT actions_confidence_check CHECK (confidence BETWEEN 0 AND 1),
  source_section text,
  sub_problem_index int,
  sort_order int NOT NULL DEFAULT 0,
  deleted_at timestamptz,
  cancellation_reason text,
  cancelled_at timestamptz,
  progress_type varchar(20) NOT NULL DEFAULT 'status_only'
    CONSTRAINT actions_progress_type_check CHECK (progress_type IN ('percentage', 'points', 'status_only')),
  progress_value int,
  estimated_effort_points int,
  parent_action_id uuid REFERENCES actions (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  -- Both status CHECKs coexist in bo1; together only the 6-value set is writable.
  CONSTRAINT check_valid_status CHECK (status IN ('todo', 'in_progress', 'blocked', 'in_review', 'done', 'cancelled')),
  CONSTRAINT actions_status_check CHECK (status IN ('todo', 'in_progress', 'blocked', 'in_review', 'done', 'cancelled', 'failed', 'abandoned', 'replanned')),
  CONSTRAINT actions_blocked_requires_reason CHECK (status <> 'blocked' OR blocking_reason IS NOT NULL)
);
CREATE INDEX idx_actions_user_id ON actions (user_id);
CREATE INDEX idx_actions_user_status ON actions (user_id, status);
CREATE INDEX idx_actions_user_status_priority ON actions (user_id, status, priority);
CREATE INDEX idx_actions_user_dates ON actions (user_id, estimated_start_date, estimated_end_date);
CREATE INDEX idx_actions_source_session ON actions (source_session_id);
CREATE INDEX idx_actions_user_not_deleted ON actions (user_id, deleted_at) WHERE deleted_at IS NULL;
CREATE INDEX idx_actions_project_status ON actions (project_id, status) WHERE project_id IS NOT NULL;
CREATE INDEX idx_actions_parent ON actions (parent_action_id) WHERE parent_action_id IS NOT NULL;
CREATE INDEX idx_actions_created_at ON actions (created_at);
CREATE INDEX idx_actions_updated_at ON actions (updated_at);
CREATE INDEX idx_actions_priority ON actions (priority);
CREATE INDEX idx_actions_status ON actions (status);
CREATE TRIGGER trg_actions_updated_at BEFORE UPDATE ON actions FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE tags (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id varchar(255) NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name varchar(100) NOT NULL,
  color varchar(7) NOT NULL DEFAULT '#6366F1',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT tags_user_name_key UNIQUE (user_id, name)
);
CREATE INDEX idx_tags_user_id ON tags (user_id);
CREATE INDEX idx_tags_name ON tags (name);

CREATE TABLE action_tags (
  action_id uuid NOT NULL REFERENCES actions (id) ON DELETE CASCADE,
  tag_id uuid NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (action_id, tag_id)
);
CREATE INDEX idx_action_tags_action ON action_tags (action_id);
CREATE INDEX idx_action_tags_tag ON action_tags (tag_id);
-- Added by bo1 migration c4 (2025-12-15) instead of the recommended (tag_id, action_id);
-- a duplicate of the primary key.
CREATE INDEX ix_action_tags_action_tag ON action_tags (action_id, tag_id);

CREATE TABLE action_dependencies (
  action_id uuid NOT NULL REFERENCES actions (id) ON DELETE CASCADE,
  depends_on_action_id uuid NOT NULL REFERENCES actions (id) ON DELETE CASCADE,
  dependency_type varchar(30) NOT NULL DEFAULT 'finish_to_start'
    CONSTRAINT action_dependencies_type_check CHECK (dependency_type IN ('finish_to_start', 'start_to_start', 'finish_to_finish')),
  lag_days int NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (action_id, depends_on_action_id),
  CONSTRAINT action_dependencies_no_self CHECK (action_id <> depends_on_action_id)
);
CREATE INDEX idx_action_dependencies_action ON action_dependencies (action_id);
CREATE INDEX idx_action_dependencies_depends_on ON action_dependencies (depends_on_action_id);
