"""Search latency over 3,000 posts of 15,000 characters, on PostgreSQL and on SQLite.

    python benchmarks/search_bench.py            # both databases
    python benchmarks/search_bench.py --posts 500 --database-url sqlite:////tmp/s.sqlite3

Each database is created afresh, seeded (benchmarks/seed.py) and then every query (2 to 6
Japanese characters, plus a mixed one) is run --repeat times through blog.search exactly as the
search page runs it: the count and the first page of ten with snippets. Prints p50 and p95.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
QUERIES = [
    "生成",
    "導入",
    "大規模",
    "業務効率",
    "言語モデル",
    "検索拡張生成",
    "製造業の",
    "GPT-4o 評価",
]
DEFAULT_URLS = {
    "PostgreSQL": "postgres://root@127.0.0.1:5432/kosei_search_bench",
    "SQLite": "sqlite:////tmp/kosei_search_bench.sqlite3",
}


def run_one(url: str, posts: int, repeat: int, reuse: bool = False) -> None:
    sys.path.insert(0, str(HERE))
    from _django import fresh_database, setup

    if not reuse:
        fresh_database(url)
    setup(url)
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    import seed

    from blog.models import Post

    if Post.objects.count() < posts:
        started = time.perf_counter()
        seed.seed(posts, 15000, 15000)
        print(f"seeded {posts} posts in {time.perf_counter() - started:.0f} s", flush=True)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO blog_search_fts(blog_search_fts) VALUES ('optimize')")
    else:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE blog_searchdocument")
            cursor.execute("ANALYZE blog_post")

    from blog import search
    from blog.views.common import paginate

    print(f"{'query':<14} {'chars':>5} {'hits':>6} {'p50 ms':>8} {'p95 ms':>8}")
    all_times = []
    for text in QUERIES:
        times = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            page = search.search_page(text, 1, paginate)
            search.hits(search.load_page(page.object_list), text)
            total = page.paginator.count
            times.append((time.perf_counter() - t0) * 1000)
        all_times += times
        q = statistics.quantiles(times, n=20)
        print(
            f"{text:<14} {len(text):>5} {total:>6} {statistics.median(times):>8.1f} {q[18]:>8.1f}"
        )
    q = statistics.quantiles(all_times, n=20)
    print(f"{'all':<14} {'':>5} {'':>6} {statistics.median(all_times):>8.1f} {q[18]:>8.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--posts", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--reuse", action="store_true", help="keep an already seeded database")
    args = parser.parse_args()
    if args.database_url:
        run_one(args.database_url, args.posts, args.repeat, args.reuse)
        return
    for name, url in DEFAULT_URLS.items():
        print(f"\n== {name} ({args.posts} posts of 15,000 characters)", flush=True)
        subprocess.run(
            [
                sys.executable,
                __file__,
                "--database-url",
                url,
                "--posts",
                str(args.posts),
                "--repeat",
                str(args.repeat),
            ],
            check=True,
            env={**os.environ, "PAGE_CACHE_SECONDS": "0"},
        )


if __name__ == "__main__":
    main()
