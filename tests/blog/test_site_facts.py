"""The category facts in code (the importer's table, the demo seed) against ../shared/SITE.md,
the site's own record of them. Skipped without the shared folder."""

import re

from blog.demo_content import CATEGORIES
from blog.logic.site_facts import SITE_CATEGORIES
from tests.samples import SITE_MD, needs

pytestmark = needs(SITE_MD)


def table_after(heading: str) -> list[list[str]]:
    text = SITE_MD.read_text(encoding="utf-8")
    section = text[text.index(heading) :]
    rows = []
    for line in section.splitlines()[1:]:
        if line.startswith("## "):
            break
        if line.startswith("|") and not set(line) <= set("|- "):
            rows.append([cell.strip() for cell in line.strip("|").split("|")])
    return rows[1:]  # without the header row


def site_slugs() -> dict[str, tuple[str, set[str]]]:
    return {
        name: (slug, set(re.findall(r"`([^`]+)`", dead)))
        for name, slug, dead in table_after("## Categories")
    }


def site_colours() -> dict[str, tuple[str, str, str]]:
    colours = {}
    for name, gradient, accent in table_after("## OGP card design"):
        start, end = (part.strip() for part in gradient.split("->"))
        colours[name] = (start.upper(), end.upper(), accent.upper())
    return colours


def test_the_importer_knows_every_category_with_its_slug_dead_urls_and_colours():
    slugs, colours = site_slugs(), site_colours()
    assert len(slugs) == len(colours) == 6
    known = {info.name: info for info in SITE_CATEGORIES}
    assert set(known) == set(slugs)
    for name, (slug, dead) in slugs.items():
        info = known[name]
        assert info.slug == slug, name
        assert dead <= set(info.dead_paths), (name, dead - set(info.dead_paths))
        assert (info.gradient_start, info.gradient_end, info.accent) == colours[name], name


def test_the_demo_seed_uses_the_same_slugs_and_colours():
    slugs, colours = site_slugs(), site_colours()
    seeded = {c["name"]: c for c in CATEGORIES}
    assert set(seeded) == set(slugs)
    for name, category in seeded.items():
        assert category["slug"] == slugs[name][0], name
        assert (
            category["gradient_start"].upper(),
            category["gradient_end"].upper(),
            category["accent"].upper(),
        ) == colours[name], name
