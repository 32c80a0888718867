-- The classification history of each item (the item page's "Lịch sử phân loại"): one row per
-- set_labels call that changed the item's model labels, written in the same transaction.
-- Upserts that clear labels because the content changed add nothing (the next classify does).
-- Deleting an item (retention) removes its rows: explicitly in delete_items, and by the
-- cascade, which the (item_rowid, id) index also keeps from scanning the table.
CREATE TABLE IF NOT EXISTS label_history (
    id INTEGER PRIMARY KEY,
    item_rowid INTEGER NOT NULL REFERENCES items (rowid) ON DELETE CASCADE,
    at TEXT NOT NULL,                     -- ISO 8601 with offset
    model TEXT NOT NULL,
    sentiment TEXT,
    sentiment_score REAL,
    misinfo TEXT,
    misinfo_score REAL,
    narrative_id TEXT
);
CREATE INDEX IF NOT EXISTS label_history_item ON label_history (item_rowid, id);
