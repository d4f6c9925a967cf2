"""How fast the editor's desk answers: the live preview (render, counters, every quality check)
for one 15,000-character body in an archive of 3,000 posts, and preparing an uploaded photo
(checks, EXIF, renditions).

    .venv/bin/python benchmarks/desk_bench.py                 # temporary SQLite file
    .venv/bin/python benchmarks/desk_bench.py --posts 500 --runs 20
    DATABASE_URL=postgres://root@127.0.0.1:5432/kosei_bench .venv/bin/python benchmarks/desk_bench.py

Prints the first request (it builds the near-duplicate index, which later requests reuse
until a post is saved), then the median and 95th percentile of the following ones, and the
time to prepare a 4,000x3,000 JPEG. The preview is asked for at most once per pause in typing
(400 ms) and never twice at once, so it should stay well under a second.
"""

import argparse
import datetime as dt
import io
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from check_posts_bench import body, title  # noqa: E402 (the same generated archive)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=3000)
    parser.add_argument("--chars", type=int, default=15000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--seed", type=int, default=9)
    args = parser.parse_args()

    database_dir = None
    if not os.environ.get("DATABASE_URL"):
        database_dir = tempfile.TemporaryDirectory(prefix="kosei-bench-")
        os.environ["DATABASE_URL"] = f"sqlite:///{database_dir.name}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-not-secret")
    os.environ["DJANGO_DEBUG"] = ""
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone
    from PIL import Image

    from blog.logic.images import prepare_image
    from blog.logic.reading_time import reading_minutes
    from blog.logic.rendering import render_markdown
    from blog.models import Author, Category, Post
    from editorial.desk import preview
    from editorial.quality import checking

    print(f"データベース: {connection.vendor}（{os.environ['DATABASE_URL'].split('@')[-1]}）")
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("flush", "--noinput", verbosity=0)
    call_command("migrate", verbosity=0)
    author = Author.objects.create(name="ベンチマーク編集部", slug="bench")
    category = Category.objects.create(name="AI最新ニュース", slug="latest")
    rng = random.Random(args.seed)
    now = timezone.now()
    batch = []
    for number in range(args.posts):
        published = now - dt.timedelta(hours=number)
        text, _ = body(rng, args.chars, f"/2025/08/29/bench-{max(0, number - 3)}/")
        rendered = render_markdown(text)
        batch.append(
            Post(
                title=title(rng),
                slug=f"bench-{number}",
                status=Post.Status.PUBLISHED,
                published_at=published,
                url_date=timezone.localtime(published).date(),
                author=author,
                category=category,
                body=text,
                body_html=rendered.html,
                body_text=rendered.text,
                reading_time=reading_minutes(rendered.text),
            )
        )
        if len(batch) == 500:
            Post.objects.bulk_create(batch)
            batch = []
    Post.objects.bulk_create(batch)
    print(f"準備: {args.posts:,}件を{time.perf_counter() - started:.1f}秒で作成（計測対象外）")

    post = checking.posts_for_checking(Post.objects.filter(slug="bench-0")).get()
    edited = post.body + "\n\n編集者が書き足した段落。" + "取材の結果をもとに整理した。" * 5

    def one() -> float:
        form = preview.FormInput(texts={"title": post.title, "body": edited})
        began = time.perf_counter()
        result = preview.analyse(post, form)
        elapsed = time.perf_counter() - began
        assert result["html"] and result["counters"]["chars"] > 0
        return elapsed

    first = one()
    times = [one() for _ in range(args.runs)]
    print(
        f"ライブプレビュー（本文{len(edited):,}文字）: 初回 {first * 1000:.0f} ms、"
        f"以降 中央値 {statistics.median(times) * 1000:.0f} ms・"
        f"95パーセンタイル {percentile(times, 0.95) * 1000:.0f} ms（{args.runs}回）"
    )

    photo = Image.effect_noise((4000, 3000), 64).convert("RGB")
    data = io.BytesIO()
    photo.save(data, "JPEG", quality=90)
    size = data.tell()
    began = time.perf_counter()
    prepared = prepare_image(data)
    elapsed = time.perf_counter() - began
    print(
        f"画像の準備（4000x3000 JPEG {size / 1024 / 1024:.1f} MB → "
        f"{len(prepared.renditions)}種類のリサイズ版）: {elapsed:.2f} 秒"
    )
    if database_dir is not None:
        connection.close()
        database_dir.cleanup()


if __name__ == "__main__":
    main()
