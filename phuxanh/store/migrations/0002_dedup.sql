-- Near-duplicate clustering (phuxanh.dedup): one MinHash signature per item (NULL when the text
-- is too short to judge; the row still marks the item as processed) and its LSH band keys.
-- Rows are deleted when the item's content changes, so it is clustered again.
CREATE TABLE item_minhash (
    item_rowid INTEGER PRIMARY KEY REFERENCES items (rowid) ON DELETE CASCADE,
    signature BLOB
);

CREATE TABLE item_lsh (
    band INTEGER NOT NULL,
    key INTEGER NOT NULL,
    item_rowid INTEGER NOT NULL REFERENCES items (rowid) ON DELETE CASCADE,
    PRIMARY KEY (band, key, item_rowid)
) WITHOUT ROWID;
CREATE INDEX item_lsh_item ON item_lsh (item_rowid);
