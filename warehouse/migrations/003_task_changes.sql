-- 003: when each task appeared, last changed and (if it did) left its notice, so that a task
-- tracker can take only what changed since its last export (fengong export --since).
-- Kept apart from `tasks`: a notice is replaced whole, this table is not, so it remembers a
-- task across replacements, including one that a replacement dropped. Kept current by
-- warehouse/changes.py inside the transaction that stores the notice.
CREATE TABLE task_changes (
    notice_id  VARCHAR NOT NULL,
    task_id    VARCHAR NOT NULL,
    task_key   VARCHAR NOT NULL,  -- as last stored: a removed task is still named by these
    text       VARCHAR NOT NULL,
    orgs       VARCHAR[] NOT NULL,
    first_seen TIMESTAMP NOT NULL,
    changed_at TIMESTAMP NOT NULL,
    removed_at TIMESTAMP,  -- set when a replacement of the notice no longer has the task
    PRIMARY KEY (notice_id, task_id)
);

-- Tasks stored before this migration: known since their notice was stored.
INSERT INTO task_changes
SELECT t.notice_id, t.task_id, t.task_key, t.text,
       coalesce((SELECT list(DISTINCT a.org ORDER BY a.org) FROM assignments a
                 WHERE a.notice_id = t.notice_id AND a.task_id = t.task_id), []),
       n.ingested_at, n.ingested_at, NULL
FROM tasks t JOIN notices n USING (notice_id);
