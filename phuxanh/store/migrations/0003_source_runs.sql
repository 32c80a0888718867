-- One row per source per crawl: what the source health screen and `phuxanh sources check` read.
CREATE TABLE source_runs (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    started_at TEXT NOT NULL,             -- ISO 8601 with offset
    finished_at TEXT NOT NULL,
    fetched INTEGER NOT NULL,             -- pages fetched (feeds, sitemaps, listings, articles)
    new INTEGER NOT NULL,                 -- items inserted
    not_modified INTEGER NOT NULL,        -- 304 answers to conditional requests
    dropped INTEGER NOT NULL,
    errors INTEGER NOT NULL,
    error_sample TEXT NOT NULL
);
CREATE INDEX source_runs_source ON source_runs (source, id);
