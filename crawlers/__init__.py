"""The crawl stage: Scrapy spiders that turn public news pages into :class:`phuxanh.schema.Item`.

- :mod:`crawlers.extract`: pure functions (bytes/HTML/feeds -> data), tested on saved pages.
- :mod:`crawlers.spiders`: route requests only.
- :mod:`crawlers.pipelines`: one job each (age window, topic match, store).
- :mod:`crawlers.addon`: our Config -> Scrapy settings; :mod:`crawlers.run`: run it in-process.
- :mod:`crawlers.middlewares`: retries that back off; :mod:`crawlers.seen`: what earlier
  runs learned (dropped and aliased links, feed validators for conditional GET).

Nothing here imports Scrapy at package import time, and nothing imports classify or dashboard.
"""
