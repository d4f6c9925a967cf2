"""Benchmark: import 3,000 generated Jekyll posts on SQLite and on PostgreSQL.

    python benchmarks/import_bench.py [--posts 3000] [--backends sqlite,postgres]
        [--pg-url postgres://root@127.0.0.1:5432/kosei_importer_bench]

Generates posts in the old site's format into a temporary folder (bodies as long as the sample
archive's: 3,000 to 42,000 Japanese characters, mean near 18,000, written from word lists;
footer blocks, repeated blocks, both date offsets, inline-JSON related articles, a few URL
collisions), then for each backend runs a fresh child
process: migrate an empty database, time `import_jekyll_site()`, then time a second (unchanged)
run. Prints wall time and the peak resident memory of the importing process and of its render
workers (one per core). Targets: under 60 s and 500 MB (all processes together) for the first
run. The PostgreSQL database named in --pg-url is dropped and created.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 60
TARGET_MB = 500

CATEGORIES = [
    ("AI最新ニュース", "news"),
    ("AI技術ガイド", "tech_guide"),
    ("AI導入戦略", "strategy"),
    ("業界別AI活用", "industry"),
    ("導入事例", "case_study"),
    ("研究論文", "research"),
    ("技術解説", "tech_guide"),  # a pre-rename name
    ("最新動向", "news"),
]
BYLINES = ["ALLFORCES編集部", "ALLFORCES産業リサーチチーム", "ALLFORCESテクニカルチーム"]
TAGS = ["LLM", "RAG", "AIエージェント", "マルチモーダル", "DX推進", "AI規制", "生成AI", "GPU"]
SUBJECTS = [
    "国内の製造業",
    "地方の自治体",
    "大手の小売企業",
    "中堅の物流会社",
    "研究機関",
    "金融機関",
    "医療法人",
    "スタートアップ",
    "情報システム部門",
    "現場の担当者",
]
TOPICS = [
    "生成AIの導入",
    "需要予測モデル",
    "検索拡張生成",
    "画像認識の検査工程",
    "社内文書の要約",
    "問い合わせ対応の自動化",
    "AIエージェントの運用",
    "推論コストの削減",
    "データ基盤の整備",
    "ガバナンス体制の構築",
]
PREDICATES = [
    "を段階的に進めている",
    "の効果を検証している",
    "に向けた体制を整えた",
    "で作業時間を三割短縮した",
    "の課題を洗い出した",
    "の費用対効果を試算した",
    "を全社に広げる計画を示した",
    "の評価指標を見直した",
]
CLAUSES = ["取材によると、", "編集部では、", "公開資料によれば、", "関係者の話では、", "", ""]
ENDINGS = ["という。", "としている。", "と説明する。", "と見られる。", "方針だ。"]
SLUG_WORDS = [
    "ai",
    "llm",
    "agent",
    "rag",
    "dx",
    "cloud",
    "gpu",
    "data",
    "strategy",
    "factory",
    "retail",
    "finance",
    "model",
    "search",
    "vision",
]
JA_SLUGS = ["生成ai活用", "エージェント導入", "需要予測", "画像検査"]


def isbn10(prefix9: str) -> str:
    total = sum((10 - i) * int(d) for i, d in enumerate(prefix9))
    check = (11 - total % 11) % 11
    return prefix9 + ("X" if check == 10 else str(check))


def sentence(rng: random.Random) -> str:
    return (
        rng.choice(CLAUSES)
        + rng.choice(SUBJECTS)
        + "は"
        + rng.choice(TOPICS)
        + rng.choice(PREDICATES)
        + rng.choice(ENDINGS)
    )


def paragraph(rng: random.Random) -> str:
    return "".join(sentence(rng) for _ in range(rng.randint(3, 6)))


def make_posts(count: int, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    start = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    posts = []
    for n in range(count):
        moment = start + dt.timedelta(minutes=rng.randint(0, 60 * 24 * 700))
        words = rng.choice(JA_SLUGS) if n % 40 == 0 else "-".join(rng.sample(SLUG_WORDS, 3))
        slug = f"{rng.randint(1, 4)}-{words}{n}"
        if n % 25 == 0:
            slug += "-"  # a trailing hyphen, as the old generator sometimes left
        posts.append({"n": n, "moment": moment, "slug": slug})
    # A few same-slug pairs across the Tokyo/UTC day boundary, as on the real site.
    for n in range(0, count - 1, 300):
        a, b = posts[n], posts[n + 1]
        a["moment"] = dt.datetime(2025, 3, 1, 17, 0, tzinfo=dt.UTC) + dt.timedelta(days=n)
        b["moment"] = a["moment"] + dt.timedelta(hours=8)
        b["slug"] = a["slug"]
    return posts


def file_name(post: dict) -> str:
    return f"{post['moment']:%Y-%m-%d}-{post['slug']}.md"


def old_link(post: dict) -> str:
    """The file-name-date form the old site's authors linked to."""
    return f"/{post['moment']:%Y/%m/%d}/{post['slug'].strip('-')}/"


def render_post(post: dict, posts: list[dict], rng: random.Random, asins: list[str]) -> str:
    category, campaign = rng.choice(CATEGORIES)
    offset = rng.choice(["+0000", "+0900"])
    moment = post["moment"].astimezone(
        dt.timezone(dt.timedelta(hours=9 if offset == "+0900" else 0))
    )
    title = rng.choice(SUBJECTS) + "の" + rng.choice(TOPICS) + f"（第{post['n']}回）"
    others = rng.sample(posts, 4)
    categories = rng.choice([f'["{category}"]', f"[{category}]", f'"{category}"'])
    lines = [
        "---",
        "layout: post",
        f'title: "{title}"',
        f"date: {moment:%Y-%m-%d %H:%M:%S} {offset}",
        f"categories: {categories}",
        "tags: [" + ", ".join(f'"{t}"' for t in rng.sample(TAGS, 3)) + "]",
        f'author: "{rng.choice(BYLINES)}"',
        f'excerpt: "{sentence(rng)}"',
        f"reading_time: {rng.randint(3, 15)}",
        f'image: "/assets/images/posts/{file_name(post)[:-3]}-ogp.png"',
        f'description: "{paragraph(rng)[:150]}"',
    ]
    if post["n"] % 7 == 0:
        related = [
            {"slug": file_name(o)[:-3], "title": "関連", "reason": "関連記事"} for o in others[:2]
        ]
        lines.append("related_articles: " + json.dumps(related, ensure_ascii=False))
    if post["n"] % 11 == 0:
        lines.append("sitemap: false\nrobots: noindex")
    if post["n"] % 13 == 0:
        lines.append(f'title: "{title}（改訂）"')  # a repeated key
    lines.append("---")

    body = [""]
    # Article lengths spread like the sample archive's (about 4,600 to 44,000 characters,
    # mean near 18,000): a body grows section by section until it reaches its own size.
    size = rng.triangular(3000, 42000, 6000)
    section = 0
    while section < 3 or sum(len(line) for line in body) < size:
        body.append(f"## {rng.choice(TOPICS)}の論点{section + 1}")
        body.append("")
        for _ in range(rng.randint(3, 4)):
            body.append(paragraph(rng))
            body.append("")
        if section == 1:
            body.append(f"詳しくは[以前の記事]({old_link(others[3])})を参照。")
            body.append("")
        if section == 2:
            body.extend(f"- {rng.choice(TOPICS)}の確認" for _ in range(3))
            body.append("")
        section += 1
    footer = [
        "---",
        "",
        rng.choice(["## 関連記事", "### あわせて読みたい"]),
        "",
        *(f"- [{rng.choice(TOPICS)}]({old_link(o)})" for o in others[:3]),
        "",
        "---",
        "",
        "## AI導入のご相談を承っています",
        "",
        "導入計画から運用まで、編集部の取材で得た知見をもとにご案内します。",
        "",
        f"[お問い合わせはこちら](/contact/?utm_source=article&utm_medium=cta&utm_campaign={campaign})",
        "{: .consulting-cta-link}",
        "",
        "---",
        "",
        "## この記事に関連するおすすめ書籍",
        "",
    ]
    for asin in rng.sample(asins, 2):
        footer += [
            f"### [書籍{asin}](https://www.amazon.co.jp/dp/{asin}/?tag=nullpodesu-22)",
            "",
            "実務に役立つ解説書。",
            "",
            f"[Amazonで詳しく見る →](https://www.amazon.co.jp/dp/{asin}/?tag=nullpodesu-22)",
            "",
        ]
    footer += ["---", "", "*※ 本ページのリンクにはアフィリエイトリンクが含まれます。*", ""]
    body += footer
    if post["n"] % 9 == 0:  # the footer pasted twice, with text in between
        body += [paragraph(rng), "", *footer]
    return "\n".join(lines) + "\n" + "\n".join(body)


def generate(site: Path, count: int) -> dict:
    rng = random.Random(11)
    posts = make_posts(count)
    asins = [isbn10(f"4{rng.randint(10**7, 10**8 - 1):08d}") for _ in range(60)]
    (site / "_posts").mkdir(parents=True)
    (site / "_config.yml").write_text(
        'url: "https://ai-media.co.jp"\nauthor: "ALLFORCES編集部"\ntimezone: Asia/Tokyo\n'
        "permalink: /:year/:month/:day/:title/\n",
        encoding="utf-8",
    )
    sizes = []
    for post in posts:
        text = render_post(post, posts, rng, asins)
        sizes.append(len(text))
        (site / "_posts" / file_name(post)).write_text(text, encoding="utf-8")
    sizes.sort()
    return {
        "files": len(posts),
        "average_chars": sum(sizes) // len(posts),
        "median_chars": sizes[len(sizes) // 2],
        "max_chars": sizes[-1],
    }


# --- child: one backend ----------------------------------------------------------------------


def child(site: str, database_url: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from blog.importing.run import import_jekyll_site

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    first = import_jekyll_site(Path(site), status="published")
    first_seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # The processes that rendered bodies (ended with the run): the largest one's peak.
    worker_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    started = time.perf_counter()
    second = import_jekyll_site(Path(site), status="published")
    second_seconds = time.perf_counter() - started
    print(
        json.dumps(
            {
                "first_seconds": first_seconds,
                "second_seconds": second_seconds,
                "peak_mb": peak_mb,
                "worker_mb": worker_mb,
                "first": {
                    k: first.counts[k]
                    for k in (
                        "created",
                        "failed",
                        "collisions",
                        "redirects",
                        "books_linked",
                        "related_resolved",
                        "links_rewritten",
                    )
                },  # noqa: E501
                "second": {k: second.counts[k] for k in ("unchanged", "created", "updated")},
            }
        )
    )


def reset_postgres(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def run_backend(label: str, site: Path, database_url: str, media: Path) -> dict:
    env = {
        **os.environ,
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(32),
        "MEDIA_ROOT": str(media),
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    result = subprocess.run(
        [sys.executable, __file__, "--child", str(site), database_url],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        sys.exit(f"{label} failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=3000)
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--pg-url", default="postgres://root@127.0.0.1:5432/kosei_importer_bench")
    parser.add_argument(
        "--child", nargs=2, metavar=("SITE", "DATABASE_URL"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return

    with tempfile.TemporaryDirectory(prefix="kosei-import-bench-") as tmp:
        tmp_path = Path(tmp)
        started = time.perf_counter()
        info = generate(tmp_path / "site", args.posts)
        print(
            f"generated {info['files']} posts (characters per file: mean {info['average_chars']}, "
            f"median {info['median_chars']}, max {info['max_chars']}) "
            f"in {time.perf_counter() - started:.1f} s"
        )
        failed_target = False
        for backend in args.backends.split(","):
            if backend == "sqlite":
                url = f"sqlite:///{tmp_path / 'bench.sqlite3'}"
            elif backend == "postgres":
                reset_postgres(args.pg_url)
                url = args.pg_url
            else:
                sys.exit(f"unknown backend {backend}")
            figures = run_backend(backend, tmp_path / "site", url, tmp_path / f"media-{backend}")
            total_mb = figures["peak_mb"] + (os.cpu_count() or 1) * figures["worker_mb"]
            ok = figures["first_seconds"] < TARGET_SECONDS and total_mb < TARGET_MB
            failed_target |= not ok
            print(
                f"{backend:9} first import {figures['first_seconds']:6.1f} s   "
                f"second (unchanged) run {figures['second_seconds']:6.1f} s   "
                f"peak RSS {figures['peak_mb']:4.0f} MB (+ {figures['worker_mb']:.0f} MB per "
                "render worker)   "
                f"{'OK' if ok else 'OVER TARGET'} (<{TARGET_SECONDS} s, <{TARGET_MB} MB)"
            )
            print(f"          first: {figures['first']}  second: {figures['second']}")
    sys.exit(1 if failed_target else 0)


if __name__ == "__main__":
    main()
