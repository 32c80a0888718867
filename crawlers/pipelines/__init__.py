"""Item pipelines, one job each (order set in :data:`crawlers.addon.ITEM_PIPELINES`)."""
