-- Audit §1.1 issue 1 (P0): denormalise the task count so session listing needs no
-- LEFT JOIN session_tasks. Column, trigger and backfill, as bo1 migration z13 did on 2025-12-22.
ALTER TABLE sessions ADD COLUMN task_count int NOT NULL DEFAULT 0;

CREATE OR REPLACE FUNCTION update_session_task_count()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    UPDATE sessions SET task_count = 0 WHERE id = OLD.session_id;
    RETURN OLD;
  END IF;
  UPDATE sessions SET task_count = NEW.total_tasks WHERE id = NEW.session_id;
  RETURN NEW;
END;
$$;

CREATE TRIGGER trg_session_tasks_insert AFTER INSERT ON session_tasks
  FOR EACH ROW EXECUTE FUNCTION update_session_task_count();
CREATE TRIGGER trg_session_tasks_update AFTER UPDATE OF total_tasks ON session_tasks
  FOR EACH ROW EXECUTE FUNCTION update_session_task_count();
CREATE TRIGGER trg_session_tasks_delete AFTER DELETE ON session_tasks
  FOR EACH ROW EXECUTE FUNCTION update_session_task_count();

UPDATE sessions s SET task_count = st.total_tasks
FROM session_tasks st
WHERE st.session_id = s.id AND s.task_count IS DISTINCT FROM st.total_tasks;
