-- The public views: the warehouse's stable interface for analysts and trackers.
-- Re-created on every open, so a view may gain columns but never loses or renames one.

CREATE OR REPLACE VIEW v_notices AS
SELECT notice_id, title, plan_title, issuer, region, year, publish_date, sign_date,
       doc_number, source_path, sha256, format, addressees, ingested_at
FROM notices;

CREATE OR REPLACE VIEW v_sections AS
SELECT notice_id, section_key, level, title, label
FROM sections;

CREATE OR REPLACE VIEW v_tasks AS
SELECT notice_id, task_id, task_key, section_key, text, deadline, deadline_text, label,
       detail, inherited AS clause_inherited, clause_id
FROM tasks;

CREATE OR REPLACE VIEW v_assignments AS
SELECT a.notice_id, a.task_id, a.task_key, a.org, a.org_raw, a.role, a.inherited,
       c.text AS clause_text, c.requirements
FROM assignments a
LEFT JOIN clauses c USING (notice_id, clause_id);

CREATE OR REPLACE VIEW v_references AS
SELECT notice_id, doc_number, title
FROM notice_references;

CREATE OR REPLACE VIEW v_units AS
SELECT name AS org, coalesce(list(DISTINCT alias ORDER BY alias) FILTER (WHERE alias <> name), []) AS aliases, bool_or(collective) AS collective,
       count(DISTINCT notice_id) AS notices
FROM unit_aliases
GROUP BY name;

CREATE OR REPLACE VIEW v_ingest_log AS
SELECT file, sha256, notice_id, status, error, seconds, logged_at
FROM ingest_log;
