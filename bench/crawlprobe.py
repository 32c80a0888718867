"""``python -m crawlers.run`` with what-if changes applied in memory, for the crawl benchmark's
experiments (``bench/crawl.py --scrapy-set NAME=VALUE --patch NAME``). Nothing under crawlers/
or phuxanh/ is edited: the changes are module attributes set before the crawl starts.

    python bench/crawlprobe.py [--set NAME=VALUE ...] [--patch site-containers]
        -- --config DIR

``--set`` overrides a value of crawlers/settings.py (Scrapy "project" priority, as if the line
were in that file). Patches, each a code change the benchmark report recommends:

- ``site-containers``: body containers for the bench site's legacy-portal, cms-time and forum
  markups, i.e. what per-source body selectors would do: trafilatura's fast path on a
  fragment instead of its full pass over the whole page.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

def _patch_site_containers() -> None:
    from lxml.cssselect import CSSSelector

    from crawlers.extract import body

    # The body containers of the bench site's three CMS families that the generic list misses
    # (what per-source body selectors in sources.yaml would give on a real site).
    body._BODY_CONTAINERS.extend(
        CSSSelector(selector)
        for selector in ("div.ArticleContent", "div.post-content", "blockquote.postcontent")
    )


PATCHES = {
    "site-containers": _patch_site_containers,
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument("--patch", action="append", default=[], choices=sorted(PATCHES))
    parser.add_argument("rest", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    import crawlers.settings

    for pair in args.set:
        name, _, value = pair.partition("=")
        setattr(crawlers.settings, name, yaml.safe_load(value))
    for name in args.patch:
        PATCHES[name]()
    from crawlers.run import main as run_main

    rest = args.rest[1:] if args.rest[:1] == ["--"] else args.rest
    return run_main(rest)


if __name__ == "__main__":
    sys.exit(main())
