-- What the parser could not place with certainty, one row per warning (issue 11): a clause not
-- read, a row that did not fit its header, a task left without units, unreadable text.
-- notices.warnings (the messages alone) stays filled for older readers of that column.
CREATE TABLE warnings (
    notice_id  VARCHAR NOT NULL,
    ord        INTEGER NOT NULL,
    task_key   VARCHAR,
    kind       VARCHAR NOT NULL,
    message    VARCHAR NOT NULL,
    provenance JSON
);

INSERT INTO warnings
SELECT notice_id, (row_number() OVER (PARTITION BY notice_id) - 1)::INTEGER, NULL, 'structure',
       message, NULL
FROM (SELECT notice_id, unnest(warnings) AS message FROM notices);
