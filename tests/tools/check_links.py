# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Broken-link check of a built HTML site (``make docs``): ``python tests/tools/check_links.py SITE_DIR``.

Every ``href``/``src`` of every page is followed: a local file must exist, and a ``#fragment`` must be an
``id`` (or ``<a name>``) of the target page; a root-relative link (``/...``) is taken relative to the
site's root, where it is served from. External links (http, https, mailto) are not fetched (the
build is offline); they are listed by host at the end so a reader can see where the site points.
Exit status 1 when anything is broken.
"""

from __future__ import annotations

import sys
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

LINK_ATTRIBUTES = {"a": "href", "link": "href", "img": "src", "script": "src", "iframe": "src"}


class Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links = []
        self.anchors = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.anchors.add(attrs["id"])
        if tag == "a" and attrs.get("name"):
            self.anchors.add(attrs["name"])
        attribute = LINK_ATTRIBUTES.get(tag)
        if attribute and attrs.get(attribute):
            self.links.append(attrs[attribute])


def parse(path, cache):
    if path not in cache:
        page = Page()
        page.feed(path.read_text(encoding="utf-8", errors="replace"))
        cache[path] = page
    return cache[path]


def check_site(root):
    """``(pages, links, broken, external)``: counts, the broken links, and external hosts with counts."""
    root = root.resolve()
    cache = {}
    broken = []
    external = Counter()
    pages = sorted(root.rglob("*.html"))
    links = 0
    for page_path in pages:
        page = parse(page_path, cache)
        for link in page.links:
            links += 1
            parts = urlsplit(link)
            if parts.scheme in ("http", "https"):
                external[parts.netloc] += 1
                continue
            if parts.scheme in ("mailto", "data", "javascript"):
                continue
            if parts.scheme:
                broken.append((page_path, link, "unknown scheme"))
                continue
            if parts.path.startswith("/"):
                # Root-relative (the theme's logo links to "/"): the site is served from its root.
                target = (root / unquote(parts.path).lstrip("/")).resolve()
            else:
                target = (page_path.parent / unquote(parts.path)).resolve() if parts.path else page_path
            if target.is_dir():
                target = target / "index.html"
            if root not in target.parents and target != root:
                broken.append((page_path, link, "points outside the site"))
                continue
            if not target.exists():
                broken.append((page_path, link, "no such file"))
                continue
            if parts.fragment and target.suffix == ".html":
                if unquote(parts.fragment) not in parse(target, cache).anchors:
                    broken.append((page_path, link, "no anchor #%s in %s" % (parts.fragment, target.relative_to(root))))
    return len(pages), links, broken, external


def main(argv):
    if len(argv) != 2:
        print("usage: check_links.py SITE_DIR", file=sys.stderr)
        return 2
    root = Path(argv[1])
    if not (root / "index.html").exists():
        print("check_links: %s has no index.html" % root, file=sys.stderr)
        return 2
    pages, links, broken, external = check_site(root)
    for page, link, why in broken:
        print("BROKEN %s: %s (%s)" % (page.relative_to(root.resolve()), link, why))
    print("check_links: %d pages, %d links, %d broken; external links (not fetched): %s" % (
        pages, links, len(broken), ", ".join("%s (%d)" % item for item in sorted(external.items())) or "none"))
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
