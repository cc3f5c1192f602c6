-- Audit §1.1 issue 2 (P1): tag filters start from the tag, so lead with tag_id.
CREATE INDEX idx_action_tags_tag_action ON action_tags (tag_id, action_id);
