"""The imported site served by gunicorn with the production settings, page cache on and off.

As an operator runs it after the migration: `import_jekyll` into a fresh database, then
gunicorn on `config.wsgi:application`, requests over a socket as nginx passes them on. Every
old post URL, tag page and category redirect answers 200 (or 301 to a page that answers 200).
The sample site's posts are imported too when ../shared is there (their test skips otherwise).
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import pytest

from blog.logic.urls import LEGACY_PATHS
from tests.deployed.server import SITE_URL, Gunicorn, build_site
from tests.samples import SITE as SAMPLES
from tests.samples import needs

pytestmark = pytest.mark.deployed

CONFIG = """\
title: "配備テスト"
url: "https://ai-media.co.jp"
author: "ALLFORCES編集部"
timezone: Asia/Tokyo
permalink: /:year/:month/:day/:title/
"""

POSTS = {
    # file name -> (title, category, tags); dates in +0000 cross midnight in Tokyo.
    "2025-08-29-08-ハナソニック-コネクトによる産業業務へのai活.md": (
        "産業業務へのAI活用が広がる", "AI導入戦略", ["生成AI", "製造業"]),
    "2025-09-24-3-datacenter-plan.md": ("大型データセンター計画の行方", "AI最新ニュース", ["LLM"]),
    "2026-02-13-1-生成ai導入の現場.md": ("生成AI導入の現場から", "導入事例", ["生成AI", "事例"]),
}  # fmt: skip

BODY = "## 概要\n\n編集部では、導入の現状を取材した。\n\n## まとめ\n\n取材によると、導入は進んでいる。\n"


def _write_site(root: Path) -> Path:
    site = root / "jekyll"
    (site / "_posts").mkdir(parents=True)
    (site / "_config.yml").write_text(CONFIG, encoding="utf-8")
    for name, (title, category, tags) in POSTS.items():
        front = [
            "---",
            "layout: post",
            f'title: "{title}"',
            f"date: {name[:10]} 20:00:00 +0000",
            f'categories: ["{category}"]',
            "tags: [" + ", ".join(f'"{t}"' for t in tags) + "]",
            "---",
        ]
        (site / "_posts" / name).write_text("\n".join(front) + "\n" + BODY, encoding="utf-8")
    if SAMPLES.is_dir():
        for post in (SAMPLES / "_posts").glob("*.md"):
            shutil.copy(post, site / "_posts" / post.name)
    return site


@pytest.fixture(scope="module")
def deployed(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("deployed")
    site = build_site(tmp, _write_site(tmp))
    servers = {}
    try:
        servers["page-cache-on"] = Gunicorn(site, tmp, PAGE_CACHE_SECONDS="600")
        servers["page-cache-off"] = Gunicorn(site, tmp, PAGE_CACHE_SECONDS="0")
        yield servers
    finally:
        for server in servers.values():
            server.stop()
        site.close()


@pytest.fixture(params=["page-cache-on", "page-cache-off"])
def server(request, deployed) -> Gunicorn:
    server = deployed[request.param]
    yield server
    log = server.log()
    assert "Traceback" not in log and "Internal Server Error" not in log, log[-3000:]


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + ("?" + parts.query if parts.query else "")


def sitemap_paths(server: Gunicorn) -> list[str]:
    """Every page the sitemap lists, as request targets (percent-encoded)."""
    index = server.fetch("/sitemap.xml")
    assert index.status == 200
    paths = []
    for section in re.findall(r"<loc>([^<]+)</loc>", index.body.decode()):
        listing = server.fetch(_path(section))
        assert listing.status == 200, section
        paths += [_path(loc) for loc in re.findall(r"<loc>([^<]+)</loc>", listing.body.decode())]
    return paths


def answers_200(server: Gunicorn, target: str) -> None:
    """200, or one 301 to a page of this site that answers 200; twice (cached the second time)."""
    for _ in range(2):
        response = server.fetch(target)
        if response.status == 301:
            location = response.headers["location"]
            assert location.startswith(("/", SITE_URL)), (target, location)
            response = server.fetch(_path(location))
        assert response.status == 200, (unquote(target), response.status)


def test_every_listed_page_answers(server):
    paths = sitemap_paths(server)
    assert any(not unquote(p).isascii() and "/tag/" in p for p in paths), "a Japanese tag page"
    assert any(not unquote(p).isascii() and p.startswith("/2025/") for p in paths), (
        "a Japanese post"
    )
    for target in paths:
        answers_200(server, target)


def test_the_old_category_urls_redirect_to_pages_that_answer(server):
    for old, new in LEGACY_PATHS.items():
        response = server.fetch(quote(old))
        assert response.status == 301 and response.headers["location"] == new, old
        answers_200(server, quote(old))


def test_the_generated_posts_answer_at_their_tokyo_date(server):
    # 20:00 UTC is the next day in Tokyo: that date is the URL's, the file name's is not.
    for name in POSTS:
        day = dt.date.fromisoformat(name[:10]) + dt.timedelta(days=1)
        slug = name[11:].removesuffix(".md")
        url = f"/{day:%Y/%m/%d}/{slug}/"
        answers_200(server, quote(url))
        # The file name's date (which the old IndexNow pings used) redirects there.
        response = server.fetch(quote(f"/{name[:10].replace('-', '/')}/{slug}/"))
        assert response.status == 301 and response.headers["location"] == quote(url)


@needs(SAMPLES)
def test_every_sample_post_answers_at_its_old_url(server):
    rows = (SAMPLES / "EXPECTED_URLS.tsv").read_text(encoding="utf-8").splitlines()[1:]
    urls = {line.split("\t")[1] for line in rows if line.strip()}
    assert any(not url.isascii() for url in urls)
    for url in sorted(urls):
        answers_200(server, quote(url))


def test_head_and_query_strings(server):
    target = quote("/2025/08/30/08-ハナソニック-コネクトによる産業業務へのai活/")
    for _ in range(2):
        get = server.fetch(target)
        head = server.fetch(target, method="HEAD")
        assert get.status == head.status == 200 and head.body == b""
        assert head.headers["content-type"] == get.headers["content-type"]
    assert "産業業務へのAI活用が広がる".encode() in get.body
    assert server.fetch(target + "?utm_source=newsletter&q=%E6%97%A5").status == 200
    search = server.fetch("/search/?q=" + quote("導入の現場"))
    assert search.status == 200 and "/2026/02/14/1-生成ai導入の現場/".encode() in search.body


def test_a_raw_utf8_request_line_is_refused_by_gunicorn_not_a_500(server):
    # gunicorn (RFC 9112) answers 400 itself; nginx in front passes browsers' percent-encoded
    # targets, which answer above. The worker keeps serving.
    raw = "/2025/08/30/08-ハナソニック-コネクトによる産業業務へのai活/".encode()
    assert server.fetch(raw).status == 400
    assert server.fetch(quote(raw)).status == 200


def test_an_unknown_host_never_gets_a_cached_page(server):
    target = quote("/2025/08/30/08-ハナソニック-コネクトによる産業業務へのai活/")
    for _ in range(3):
        assert server.fetch(target).status == 200
    assert server.fetch(target, host="evil.example").status == 400
    assert server.fetch("/feed.xml", host="evil.example").status == 400
