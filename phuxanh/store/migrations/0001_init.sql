-- The embedded store's first schema. Applied once, in one transaction, by phuxanh.store.sqlite.
-- `doc` holds the whole Item as JSON (the source of truth); the other columns are copies kept
-- for filtering, sorting and the rollup, rewritten on every write of the row.
CREATE TABLE items (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    source TEXT NOT NULL,
    source_type TEXT NOT NULL,
    outlet TEXT NOT NULL,
    official INTEGER NOT NULL,
    province TEXT NOT NULL,
    published_ts INTEGER NOT NULL,        -- unix seconds
    vn_day TEXT NOT NULL,                 -- YYYY-MM-DD in Asia/Ho_Chi_Minh
    dated INTEGER NOT NULL,               -- 0: the date is only our crawl time
    fetched_ts INTEGER NOT NULL,          -- first seen
    content_hash TEXT NOT NULL,
    cluster_id TEXT,
    is_original INTEGER NOT NULL,
    sentiment TEXT,                       -- the model's label (NULL: not classified yet)
    sentiment_score REAL,
    misinfo TEXT,
    misinfo_score REAL,
    model TEXT,
    effective_sentiment TEXT NOT NULL,    -- the reviewer's label when given, else the model's, else ''
    priority REAL NOT NULL,               -- review-queue order, higher first
    review_status TEXT NOT NULL,
    review_version INTEGER NOT NULL,
    doc TEXT NOT NULL,
    updated_ts INTEGER NOT NULL
);
CREATE INDEX items_published ON items (published_ts);
CREATE INDEX items_source_published ON items (source, published_ts);
CREATE INDEX items_model ON items (model);
CREATE INDEX items_queue ON items (review_status, priority DESC, published_ts DESC);
CREATE INDEX items_cluster ON items (cluster_id) WHERE cluster_id IS NOT NULL;

CREATE TABLE item_topics (
    topic TEXT NOT NULL,
    item_rowid INTEGER NOT NULL REFERENCES items (rowid) ON DELETE CASCADE,
    PRIMARY KEY (topic, item_rowid)
) WITHOUT ROWID;

-- Folded text (no diacritics, đ -> d) of title and body, keyed by items.rowid. Contentless:
-- the text lives once, in items.doc; a row is removed with the 'delete' command and the same
-- folded values, which phuxanh.text.fold recomputes deterministically from the old doc.
CREATE VIRTUAL TABLE items_fts USING fts5 (
    title, body, content = '', tokenize = 'unicode61 remove_diacritics 2'
);

-- Counts per Vietnam-local day and every chart dimension, kept in the same transaction as each
-- write so weekly charts over a year read a few thousand rows, not a million items. An item with
-- several topics has one row per topic; topic_rank 0 marks its first, so counts that ignore the
-- topic count each item once.
CREATE TABLE daily_rollup (
    day TEXT NOT NULL,
    week TEXT NOT NULL,                   -- the Monday of the ISO week, YYYY-MM-DD
    source TEXT NOT NULL,
    source_type TEXT NOT NULL,
    outlet TEXT NOT NULL,
    official INTEGER NOT NULL,
    province TEXT NOT NULL,
    topic TEXT NOT NULL,
    topic_rank INTEGER NOT NULL,
    sentiment TEXT NOT NULL,              -- effective sentiment, '' when not classified
    misinfo TEXT NOT NULL,
    is_original INTEGER NOT NULL,
    dated INTEGER NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (day, source, source_type, outlet, official, province, topic, topic_rank,
                 sentiment, misinfo, is_original, dated)
) WITHOUT ROWID;
CREATE INDEX daily_rollup_week ON daily_rollup (week);

-- The same counts per ISO week without the per-source dimensions (source, outlet, province):
-- a few thousand rows for a year however many sources there are, so the leaders' weekly
-- charts stay instant at a million items. aggregate() uses it when the question allows.
CREATE TABLE weekly_rollup (
    week TEXT NOT NULL,
    source_type TEXT NOT NULL,
    official INTEGER NOT NULL,
    topic TEXT NOT NULL,
    topic_rank INTEGER NOT NULL,
    sentiment TEXT NOT NULL,
    misinfo TEXT NOT NULL,
    is_original INTEGER NOT NULL,
    dated INTEGER NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (week, source_type, official, topic, topic_rank, sentiment, misinfo,
                 is_original, dated)
) WITHOUT ROWID;

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,                     -- ISO 8601 with offset
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    details TEXT NOT NULL                 -- JSON object
);
CREATE INDEX audit_log_action ON audit_log (action, id);
