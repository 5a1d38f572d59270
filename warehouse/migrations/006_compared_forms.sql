-- 006 (issues 16 and 17): what years are compared on is read by the parsers and stored here
-- (the warehouse never reads titles or converts scripts); change digests kept with their
-- stamps; one notice's rows found by index.

-- A plan's kind (政务公开, 营商环境…, parsers/kinds.py), and the simplified-script forms of a
-- traditional-script notice's task texts, details and section titles (NULL: the text is its
-- own compared form). Notices stored before get their kind when a writer that reads titles
-- opens the warehouse (Warehouse.open(..., plan_kind=…)); their texts are compared as stored.
ALTER TABLE notices ADD COLUMN plan_kind VARCHAR;
ALTER TABLE sections ADD COLUMN title_simplified VARCHAR;
ALTER TABLE tasks ADD COLUMN text_simplified VARCHAR;
ALTER TABLE tasks ADD COLUMN detail_simplified VARCHAR;

-- Each task's change digest kept with its stamps (warehouse/changes.py), so that replacing a
-- notice compares digests without reading its old rows; NULL for tasks stored before (their
-- digest is computed from their rows when their notice is next replaced).
ALTER TABLE task_changes ADD COLUMN digest VARCHAR;

-- One notice's rows found by index, not by a scan of the table, so that a store's cost does
-- not grow with the warehouse: replacing or removing a notice reads its versions and stamps
-- and deletes its rows; linking reads a neighbour's tasks; a stale pair's links are deleted.
-- (The primary keys over two columns do not serve a lookup by the first alone.)
CREATE INDEX sections_by_notice ON sections (notice_id);
CREATE INDEX tasks_by_notice ON tasks (notice_id);
CREATE INDEX clauses_by_notice ON clauses (notice_id);
CREATE INDEX assignments_by_notice ON assignments (notice_id);
CREATE INDEX unit_aliases_by_notice ON unit_aliases (notice_id);
CREATE INDEX notice_references_by_notice ON notice_references (notice_id);
CREATE INDEX warnings_by_notice ON warnings (notice_id);
CREATE INDEX task_changes_by_notice ON task_changes (notice_id);
CREATE INDEX notice_versions_by_notice ON notice_versions (notice_id);
CREATE INDEX task_links_by_from ON task_links (from_notice_id);
CREATE INDEX task_link_pairs_by_from ON task_link_pairs (from_notice_id);
