-- 005: versions of a notice (issue 14). Every file that has carried a notice is a version:
-- its path, content hash, format, what its reading gave (tasks, assignments, warnings) and its
-- metadata. The notice's own rows are one version's reading, the current one (notices.sha256);
-- warehouse/versions.py chooses it. Replaces notice_sources, which kept only the hashes.
CREATE TABLE notice_versions (
    notice_id   VARCHAR NOT NULL,
    sha256      VARCHAR NOT NULL,
    path        VARCHAR NOT NULL,   -- where the file was last ingested from
    format      VARCHAR NOT NULL,
    size        BIGINT,
    tasks       INTEGER,            -- its reading; NULL for a file met before this migration
    assignments INTEGER,            --   that was not the current version (known again when
    warnings    INTEGER,            --   it is ingested again)
    meta        JSON,               -- its metadata (schemas.NoticeMeta)
    first_seen  TIMESTAMP NOT NULL,
    ingested_at TIMESTAMP NOT NULL, -- last ingested
    PRIMARY KEY (notice_id, sha256)
);

INSERT INTO notice_versions
SELECT s.notice_id, s.sha256, s.path, s.format,
       CASE WHEN n.sha256 = s.sha256 THEN n.size END,
       CASE WHEN n.sha256 = s.sha256 THEN
           (SELECT count(*) FROM tasks t WHERE t.notice_id = s.notice_id) END,
       CASE WHEN n.sha256 = s.sha256 THEN
           (SELECT count(*) FROM assignments a WHERE a.notice_id = s.notice_id) END,
       CASE WHEN n.sha256 = s.sha256 THEN len(coalesce(n.warnings, [])) END,
       CASE WHEN n.sha256 = s.sha256 THEN to_json(struct_pack(
           title := n.title, plan_title := n.plan_title, issuer := n.issuer,
           region := n.region, "year" := n.year, publish_date := n.publish_date,
           sign_date := n.sign_date, doc_number := n.doc_number,
           addressees := coalesce(n.addressees, []),
           "references" := coalesce((
               SELECT list(struct_pack(doc_number := r.doc_number, title := r.title))
               FROM notice_references r WHERE r.notice_id = s.notice_id), [])
       )) END,
       s.first_seen,
       CASE WHEN n.sha256 = s.sha256 THEN n.ingested_at ELSE s.first_seen END
FROM (
    SELECT notice_id, sha256, path, format, first_seen FROM notice_sources
    UNION ALL  -- a notice stored without its source row (by the first schema's writer)
    SELECT notice_id, sha256, source_path, format, ingested_at FROM notices n
    WHERE NOT EXISTS (SELECT 1 FROM notice_sources s
                      WHERE s.notice_id = n.notice_id AND s.sha256 = n.sha256)
) s
LEFT JOIN notices n USING (notice_id);

DROP TABLE notice_sources;

-- Notices removed with `fengong remove`: what the feeds still show of their removed tasks
-- (task_changes keeps the tasks, stamped removed_at).
CREATE TABLE removed_notices (
    notice_id    VARCHAR PRIMARY KEY,
    title        VARCHAR,
    plan_title   VARCHAR,
    issuer       VARCHAR,
    region       VARCHAR,
    year         INTEGER,
    publish_date DATE,
    sign_date    DATE,
    doc_number   VARCHAR,
    removed_at   TIMESTAMP NOT NULL
);
