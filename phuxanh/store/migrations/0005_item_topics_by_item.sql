-- item_topics is keyed (topic, item_rowid): finding an item's rows scanned the whole table.
-- Deleting an item (retention, phuxanh/retention.py) makes SQLite look up the rows that
-- reference it for ON DELETE CASCADE, a full scan per deleted item without this index; a
-- change of an item's topics deleted its rows the same way.
CREATE INDEX IF NOT EXISTS item_topics_item ON item_topics (item_rowid);
