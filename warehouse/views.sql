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

-- A unit is a name within a region: one row per (org, region), so five districts'
-- 区卫生健康局 are five rows (region is the notices' region as stored; NULL when they print
-- none). Counts and aliases are the region's own.
CREATE OR REPLACE VIEW v_units AS
SELECT u.name AS org,
       coalesce(list(DISTINCT u.alias ORDER BY u.alias) FILTER (WHERE u.alias <> u.name), [])
           AS aliases,
       bool_or(u.collective) AS collective,
       count(DISTINCT u.notice_id) AS notices,
       n.region
FROM unit_aliases u
JOIN notices n USING (notice_id)
GROUP BY u.name, n.region;

-- What the parser could not place with certainty (migration 004), in the notice's order.
CREATE OR REPLACE VIEW v_warnings AS
SELECT notice_id, task_key, kind, message, provenance
FROM warnings
ORDER BY notice_id, ord;

-- Every file that has carried a notice (migration 005); `current` marks the one whose reading
-- the notice's rows are (warehouse/versions.py chooses it).
CREATE OR REPLACE VIEW v_versions AS
SELECT v.notice_id, v.path, v.sha256, v.format, v.size, v.tasks, v.assignments, v.warnings,
       coalesce(n.sha256 = v.sha256, false) AS current, v.first_seen, v.ingested_at
FROM notice_versions v
LEFT JOIN notices n USING (notice_id);

CREATE OR REPLACE VIEW v_ingest_log AS
SELECT file, sha256, notice_id, status, error, seconds, logged_at
FROM ingest_log;

-- Year-over-year comparison (migration 002; links computed on ingest by warehouse/links.py).
-- Owners of a task: its lead units, else its responsible units, else its coordinators, else
-- its implementers; compared as sets, with 区各单位 and 各单位 the same. Private helper.
CREATE OR REPLACE VIEW task_owners AS
WITH ranked AS (
    SELECT notice_id, task_key, org, role, ord,
           CASE role WHEN 'lead' THEN 1 WHEN 'responsible' THEN 2
                     WHEN 'coordinator' THEN 3 WHEN 'implementer' THEN 4 END AS rank
    FROM assignments
), marked AS (
    SELECT *, rank = min(rank) OVER (PARTITION BY notice_id, task_key) AS is_owner
    FROM ranked
)
SELECT t.notice_id, t.task_key,
       coalesce(list(DISTINCT m.org ORDER BY m.org) FILTER (WHERE m.is_owner), []) AS owners,
       list_sort(list_distinct(coalesce(
           list(regexp_replace(m.org, '^[区市县](各.+)$', '\1')) FILTER (WHERE m.is_owner), []
       ))) AS owner_keys,
       coalesce(list({'org': m.org, 'role': m.role} ORDER BY m.ord)
                FILTER (WHERE m.org IS NOT NULL), []) AS roles
FROM tasks t
LEFT JOIN marked m USING (notice_id, task_key)
GROUP BY t.notice_id, t.task_key;

CREATE OR REPLACE VIEW v_task_links AS
SELECT l.from_notice_id, l.from_task_key, l.to_notice_id, l.to_task_key, l.similarity, l.change,
       a.region, a.year AS from_year, b.year AS to_year
FROM task_links l
JOIN notices a ON a.notice_id = l.from_notice_id
JOIN notices b ON b.notice_id = l.to_notice_id;

-- Tasks of the later plan of a compared pair that no task of the earlier plan links to.
CREATE OR REPLACE VIEW v_tasks_added AS
SELECT p.from_notice_id, p.to_notice_id, b.region, a.year AS from_year, b.year AS to_year,
       t.task_key, t.section_key, t.text
FROM task_link_pairs p
JOIN notices a ON a.notice_id = p.from_notice_id
JOIN notices b ON b.notice_id = p.to_notice_id
JOIN tasks t ON t.notice_id = p.to_notice_id
WHERE NOT EXISTS (
    SELECT 1 FROM task_links l
    WHERE l.from_notice_id = p.from_notice_id AND l.to_notice_id = p.to_notice_id
      AND l.to_task_key = t.task_key);

-- Tasks of the earlier plan of a compared pair that link to no task of the later plan.
CREATE OR REPLACE VIEW v_tasks_removed AS
SELECT p.from_notice_id, p.to_notice_id, a.region, a.year AS from_year, b.year AS to_year,
       t.task_key, t.section_key, t.text
FROM task_link_pairs p
JOIN notices a ON a.notice_id = p.from_notice_id
JOIN notices b ON b.notice_id = p.to_notice_id
JOIN tasks t ON t.notice_id = p.from_notice_id
WHERE NOT EXISTS (
    SELECT 1 FROM task_links l
    WHERE l.from_notice_id = p.from_notice_id AND l.to_notice_id = p.to_notice_id
      AND l.from_task_key = t.task_key);

-- Linked tasks whose owners changed.
CREATE OR REPLACE VIEW v_responsibility_changes AS
SELECT a.region, a.year AS from_year, b.year AS to_year, l.from_task_key, l.to_task_key,
       ta.text AS text_before, tb.text AS text_after,
       oa.owners AS owners_before, ob.owners AS owners_after,
       oa.roles AS roles_before, ob.roles AS roles_after,
       l.from_notice_id, l.to_notice_id, l.similarity, l.change
FROM task_links l
JOIN notices a ON a.notice_id = l.from_notice_id
JOIN notices b ON b.notice_id = l.to_notice_id
JOIN tasks ta ON ta.notice_id = l.from_notice_id AND ta.task_key = l.from_task_key
JOIN tasks tb ON tb.notice_id = l.to_notice_id AND tb.task_key = l.to_task_key
JOIN task_owners oa ON oa.notice_id = l.from_notice_id AND oa.task_key = l.from_task_key
JOIN task_owners ob ON ob.notice_id = l.to_notice_id AND ob.task_key = l.to_task_key
WHERE oa.owner_keys <> ob.owner_keys;
