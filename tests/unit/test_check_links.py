# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""tests/tools/check_links.py, the broken-link check of the built docsite (make docs)."""

from __future__ import annotations

from tests.tools.check_links import check_site


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("<html><body>%s</body></html>" % text, encoding="utf-8")


def test_finds_missing_files_and_anchors_and_ignores_external_links(tmp_path):
    write(tmp_path / "index.html", '<a href="/">home</a><a href="a/page.html#opts">ok</a><a href="https://example.org/x">ext</a><img src="img.png">')
    write(tmp_path / "a" / "page.html", '<h2 id="opts">Options</h2><a href="../index.html">up</a><a href="#nope">bad</a><a href="gone.html">bad</a>')
    pages, links, broken, external = check_site(tmp_path)
    assert pages == 2 and links == 7
    assert sorted((page.name, link, why.split(" ")[0]) for page, link, why in broken) == [
        ("index.html", "img.png", "no"),
        ("page.html", "#nope", "no"),
        ("page.html", "gone.html", "no"),
    ]
    assert external == {"example.org": 1}


def test_links_outside_the_site_are_broken(tmp_path):
    write(tmp_path / "site" / "index.html", '<a href="../secret.html">out</a>')
    write(tmp_path / "secret.html", "")
    broken = check_site(tmp_path / "site")[2]
    assert [item[2] for item in broken] == ["points outside the site"]
