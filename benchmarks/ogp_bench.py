"""How fast social cards are drawn (issue target: under 150 ms a card on the development machine).

    python benchmarks/ogp_bench.py [--cards 200] [--posts 3000] [--jobs 2]

1. Mean (and median, p95) time to draw one card, in this process, over difficult titles.
2. `manage.py generate_ogp --all --jobs N` over N posts in a throwaway SQLite database and media
   folder (deleted afterwards): cards per second, end to end (plan, draw, store, record).

The old site's sample titles are used when ../shared is present (they are read, not copied).
"""

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from itertools import cycle
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=200, help="cards drawn for the mean time")
    parser.add_argument("--posts", type=int, default=3000, help="posts for generate_ogp --all")
    parser.add_argument("--jobs", type=int, default=2, help="generate_ogp --jobs")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="kosei-ogp-bench-"))
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_DEBUG": "1",
            "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
            "MEDIA_ROOT": str(workdir / "media"),
            "OGP_CARDS_ON_SAVE": "0",  # creating the posts must not draw; the command does
            "SITE_URL": "https://ai-media.co.jp",
        }
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    try:
        draw_one(args.cards)
        bulk(args.posts, args.jobs)
    finally:
        import shutil

        shutil.rmtree(workdir, ignore_errors=True)


def titles() -> list[str]:
    from blog.ogp.gallery import DIFFICULT_TITLES, sample_titles

    return sample_titles() + DIFFICULT_TITLES


def draw_one(count: int) -> None:
    from blog import demo_content
    from blog.logic import ogp
    from blog.ogp import cards

    font = cards.site_font()
    themes = cycle(demo_content.CATEGORIES)
    source = cycle(titles())
    ogp.draw_card(ogp.CardInput("ウォームアップ"), font)  # font loading and BudouX model
    times = []
    for n in range(count):
        row = next(themes)
        data = ogp.CardInput(
            f"{next(source)}（{n}）",
            str(row["name"]),
            "ALLFORCES編集部",
            "AIコンパス by ALLFORCES",
            "ai-media.co.jp",
            ogp.Theme(row["gradient_start"], row["gradient_end"], row["accent"]),
        )
        started = time.perf_counter()
        card = ogp.draw_card(data, font)
        times.append((time.perf_counter() - started) * 1000)
        assert len(card.png) <= ogp.MAX_BYTES
    times.sort()
    print(
        f"draw one card: mean {statistics.mean(times):.1f} ms, median "
        f"{statistics.median(times):.1f} ms, p95 {times[int(len(times) * 0.95) - 1]:.1f} ms "
        f"over {count} cards (target: mean under 150 ms)"
    )


def bulk(count: int, jobs: int) -> None:
    from django.core.management import call_command

    from blog import demo_content
    from blog.models import Author, Category, Post

    call_command("migrate", verbosity=0)
    categories = [
        Category.objects.create(
            name=row["name"],
            slug=row["slug"],
            ogp_gradient_start=row["gradient_start"],
            ogp_gradient_end=row["gradient_end"],
            ogp_accent=row["accent"],
        )
        for row in demo_content.CATEGORIES
    ]
    author = Author.objects.create(name="ALLFORCES編集部", slug="allforces")
    source, cats = cycle(titles()), cycle(categories)
    Post.objects.bulk_create(
        [
            Post(
                title=f"{next(source)}（{n}）",
                slug=f"bench-{n}",
                author=author,
                category=next(cats),
            )
            for n in range(count)
        ],
        batch_size=500,
    )
    out = io.StringIO()
    started = time.perf_counter()
    call_command("generate_ogp", "--all", "--jobs", str(jobs), stdout=out, stderr=io.StringIO())
    elapsed = time.perf_counter() - started
    drawn = Post.objects.exclude(ogp_card="").count()
    print(out.getvalue().strip())
    print(
        f"generate_ogp --all --jobs {jobs}: {drawn} cards for {count} posts in {elapsed:.1f} s "
        f"= {drawn / elapsed:.1f} cards/s ({elapsed / max(drawn, 1) * 1000:.1f} ms a card)"
    )


if __name__ == "__main__":
    main()
