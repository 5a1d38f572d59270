-- 001: the first warehouse schema. Tables are private; downstream users read the v_* views.
CREATE TABLE notices (
    notice_id      VARCHAR PRIMARY KEY,
    title          VARCHAR,
    plan_title     VARCHAR,
    issuer         VARCHAR,
    region         VARCHAR,
    year           INTEGER,
    publish_date   DATE,
    sign_date      DATE,
    doc_number     VARCHAR,
    addressees     VARCHAR[],
    source_path    VARCHAR NOT NULL,
    sha256         VARCHAR NOT NULL,
    format         VARCHAR NOT NULL,
    size           BIGINT,
    schema_version VARCHAR NOT NULL,
    warnings       VARCHAR[],
    preamble       VARCHAR[],
    ingested_at    TIMESTAMP NOT NULL
);

-- Every file that has carried a notice: re-ingesting any of them changes nothing.
CREATE TABLE notice_sources (
    notice_id  VARCHAR NOT NULL,
    sha256     VARCHAR NOT NULL,
    path       VARCHAR NOT NULL,
    format     VARCHAR NOT NULL,
    first_seen TIMESTAMP NOT NULL,
    PRIMARY KEY (notice_id, sha256)
);

CREATE TABLE sections (
    notice_id   VARCHAR NOT NULL,
    section_key VARCHAR NOT NULL,
    level       INTEGER NOT NULL,
    label       VARCHAR,
    title       VARCHAR,
    ord         INTEGER NOT NULL,
    provenance  JSON,
    PRIMARY KEY (notice_id, section_key)
);

CREATE TABLE tasks (
    notice_id     VARCHAR NOT NULL,
    task_id       VARCHAR NOT NULL,
    task_key      VARCHAR NOT NULL,
    section_key   VARCHAR,
    label         VARCHAR,
    text          VARCHAR NOT NULL,
    detail        VARCHAR,
    deadline      DATE,
    deadline_text VARCHAR,
    clause_id     INTEGER,
    inherited     BOOLEAN NOT NULL,
    ord           INTEGER NOT NULL,
    provenance    JSON,
    PRIMARY KEY (notice_id, task_key)
);

CREATE TABLE clauses (
    notice_id    VARCHAR NOT NULL,
    clause_id    INTEGER NOT NULL,
    text         VARCHAR NOT NULL,
    requirements VARCHAR,
    provenance   JSON,
    PRIMARY KEY (notice_id, clause_id)
);

CREATE TABLE assignments (
    notice_id VARCHAR NOT NULL,
    task_id   VARCHAR NOT NULL,
    task_key  VARCHAR NOT NULL,
    clause_id INTEGER,
    org       VARCHAR NOT NULL,
    org_raw   VARCHAR NOT NULL,
    role      VARCHAR NOT NULL,
    inherited BOOLEAN NOT NULL,
    ord       INTEGER NOT NULL
);

CREATE TABLE unit_aliases (
    notice_id  VARCHAR NOT NULL,
    name       VARCHAR NOT NULL,
    alias      VARCHAR NOT NULL,
    collective BOOLEAN NOT NULL
);

CREATE TABLE notice_references (
    notice_id  VARCHAR NOT NULL,
    doc_number VARCHAR,
    title      VARCHAR
);

CREATE TABLE ingest_log (
    file       VARCHAR NOT NULL,
    sha256     VARCHAR,
    notice_id  VARCHAR,
    status     VARCHAR NOT NULL,  -- ingested | replaced | unchanged | failed
    error      VARCHAR,
    seconds    DOUBLE,
    logged_at  TIMESTAMP NOT NULL
);
