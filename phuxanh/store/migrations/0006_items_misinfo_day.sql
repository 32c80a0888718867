-- The weekly report counts a week's suspected-misinformation items by narrative
-- (dashboard/data.py narrative_counts), reading items with misinfo = 'likely' and vn_day in the
-- week. Without an index that is a scan of every item: 0.6-1.4 s at 1,000,000 items.
CREATE INDEX IF NOT EXISTS items_misinfo_day ON items (misinfo, vn_day);
