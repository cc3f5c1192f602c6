-- Issue 18 (found by measurement, not in the 2025-12-22 audit): GET /api/v1/actions pages a user's
-- actions ORDER BY sort_order, created_at DESC LIMIT 100. With only an index on user_id, the server
-- must read and sort every action of the user before the LIMIT (21,000 rows for the heaviest user
-- at the default data size, spilling to disk); in this order the scan stops after one page.
CREATE INDEX idx_actions_user_sort ON actions (user_id, sort_order, created_at DESC) WHERE deleted_at IS NULL;
