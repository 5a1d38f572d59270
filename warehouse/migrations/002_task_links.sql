-- 002: year-over-year task links. For each pair of consecutive plans of a region (its
-- earlier and later notice), the tasks that are the same task; computed on ingest by
-- warehouse/links.py. A pair is recorded even when no task links, so that "added" and
-- "removed" can be told from "never compared".
CREATE TABLE task_link_pairs (
    from_notice_id VARCHAR NOT NULL,
    to_notice_id   VARCHAR NOT NULL,
    method         VARCHAR NOT NULL,  -- the alignment method; another method recomputes
    computed_at    TIMESTAMP NOT NULL
);

CREATE TABLE task_links (
    from_notice_id VARCHAR NOT NULL,
    from_task_key  VARCHAR NOT NULL,
    to_notice_id   VARCHAR NOT NULL,
    to_task_key    VARCHAR NOT NULL,
    similarity     DOUBLE NOT NULL,   -- text similarity, 0..1
    change         VARCHAR NOT NULL   -- unchanged | reworded
);
