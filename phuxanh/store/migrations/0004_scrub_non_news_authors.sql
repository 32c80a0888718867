-- Only a news byline may be stored as written (phuxanh.schema.Item): forum, social and
-- imported authors are kept only as keyed hashes. Stores written before that rule may hold raw
-- forum handles: remove them (the hash cannot be made without the key, so none is added).
UPDATE items SET doc = json_set(doc, '$.author', json('null'))
WHERE source_type != 'news' AND json_extract(doc, '$.author') IS NOT NULL;
