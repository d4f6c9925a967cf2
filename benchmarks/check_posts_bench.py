"""How long `manage.py check_posts` takes over an archive: 3,000 posts of about 15,000
characters (generated Japanese text, some with the defects of AI drafts).

    .venv/bin/python benchmarks/check_posts_bench.py              # temporary SQLite file
    .venv/bin/python benchmarks/check_posts_bench.py --posts 500
    DATABASE_URL=postgres://root@127.0.0.1:5432/kosei_bench \
        .venv/bin/python benchmarks/check_posts_bench.py

Prints the setup time (not measured), then the seconds `check_posts` took and posts per second.
The target is under 30 seconds for 3,000 posts. The database is created for the run and, for
SQLite, deleted afterwards; a PostgreSQL database given by DATABASE_URL is flushed and filled.
"""

import argparse
import datetime as dt
import io
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SUBJECTS = [
    "生成AI", "AIエージェント", "大規模言語モデル", "RAG", "需要予測AI", "画像認識", "AI議事録",
    "音声認識", "予知保全", "外観検査", "コード生成", "翻訳AI", "AI-OCR", "チャットボット",
]  # fmt: skip
COMPANIES = [
    "A社", "B社", "C社", "大手小売企業", "中堅物流企業", "地方銀行", "自治体", "製造業の企業",
    "保険会社", "病院", "大学", "通信事業者", "商社", "建設会社", "食品メーカー", "電力会社",
]  # fmt: skip
VERBS = ["導入した", "検証した", "見直した", "拡大した", "試験運用した", "全社に展開した"]
OUTCOMES = [
    "問い合わせ対応の時間が短くなった",
    "担当者による修正の割合が下がった",
    "現場の納得感が高まった",
    "文書の整理そのものが成果になった",
    "判断のばらつきが小さくなった",
    "新人の教育期間が短くなった",
    "夜間の対応件数が減った",
]
# (weight, template): mostly narrative; figures and currency pairs now and then, as in the
# archive.
TEMPLATES = [
    (30, "{company}は{month}月に{subject}を{verb}結果、{outcome}という。"),
    (20, "取材によると、{company}では{subject}の評価指標を導入前に{number}項目決めている。"),
    (15, "{company}の担当者は、{subject}の運用で{outcome}ことを第{number}の成果に挙げる。"),
    (10, "{subject}の利用は{year}年度に前年比{pct}%増えたと{company}の担当者は話す。"),
    (10, "編集部では、{subject}の導入で{company}が直面した{number}つの課題に注目している。"),
    (8, "{company}が{subject}に投じた額は約{oku}億円で、{outcome}ことが決め手になった。"),
    (2, "市場規模は{dollars}億ドル（約{cho}兆円）に達する見通しだ。"),
]
_WEIGHTS = [w for w, _ in TEMPLATES]
FOOTER = (
    "---\n\n### あわせて読みたい\n\n- [{related_title}]({related})\n\n---\n\n"
    "## この記事に関連するおすすめ書籍\n\n"
    "### [実践 生成AIアプリケーション開発](https://www.amazon.co.jp/dp/4999012340/?tag=bench-22)\n\n"
    "*※ 本ページのリンクにはアフィリエイトリンクが含まれます。*\n"
)


def sentence(rng: random.Random) -> str:
    dollars = rng.randint(100, 9000)
    [template] = rng.choices([t for _, t in TEMPLATES], weights=_WEIGHTS)
    return template.format(
        company=rng.choice(COMPANIES),
        subject=rng.choice(SUBJECTS),
        verb=rng.choice(VERBS),
        outcome=rng.choice(OUTCOMES),
        number=rng.randint(2, 9),
        month=rng.randint(1, 12),
        year=rng.randint(2020, 2026),
        pct=rng.randint(5, 80),
        oku=rng.randint(1, 900),
        dollars=f"{dollars:,}",
        cho=max(1, round(dollars * 150 / 10000)),
    )


THEMES = [
    "費用対効果", "現場の抵抗", "データ整備", "評価指標", "ガバナンス", "人材育成", "セキュリティ",
    "法規制", "運用体制", "ベンダー選定", "内製化", "精度検証", "業務設計", "投資判断", "PoCの壁",
    "全社展開", "顧客体験", "コスト削減", "品質管理", "リスク評価",
]  # fmt: skip


def title(rng: random.Random) -> str:
    first, second = rng.sample(SUBJECTS, 2)
    return (
        f"{rng.choice(COMPANIES)}の{first}、{rng.choice(THEMES)}から見た"
        f"{second}との比較（{rng.randint(2, 48)}事例）"
    )


def lead(rng: random.Random) -> str:
    """An opening of its own for each post (articles rarely start alike)."""
    words = rng.sample(SUBJECTS, 4) + rng.sample(COMPANIES, 4) + rng.sample(OUTCOMES, 2)
    rng.shuffle(words)
    return f"{rng.randint(2020, 2026)}年{rng.randint(1, 12)}月、" + "、".join(words) + "。"


def body(rng: random.Random, size: int, related: str) -> tuple[str, list[str]]:
    """A body of about `size` characters, sometimes with a defect (returned as labels)."""
    parts, defects = [lead(rng)], []
    section = 0
    footer = FOOTER.format(related_title="関連する記事", related=related)
    while sum(len(p) for p in parts) < size - len(footer):
        if not parts or rng.random() < 0.12:
            section += 1
            parts.append(f"## {section}. {rng.choice(SUBJECTS)}と{rng.choice(COMPANIES)}の論点")
        parts.append("".join(sentence(rng) for _ in range(rng.randint(3, 6))))
    roll = rng.random()
    if roll < 0.15:  # pasted twice: a whole stretch repeated
        start = rng.randint(1, len(parts) // 2)
        parts.extend(parts[start : start + 6])
        defects.append("repeated")
    elif roll < 0.25:
        parts.insert(rng.randint(1, len(parts)), "---END---")
        defects.append("end_marker")
    elif roll < 0.30:
        parts.append(
            "<<<<<<< Updated upstream\n"
            + parts[-1]
            + "\n=======\n"
            + parts[-2]
            + "\n>>>>>>> Stashed changes"
        )
        defects.append("conflict")
    if rng.random() < 0.10:
        parts.insert(2, "私が実際に取材したところ、現場の受け止め方は大きく変わっていた。")
        defects.append("first_person")
    if rng.random() < 0.05:
        parts.insert(3, "評価額は8,300億ドル（約1,250億円）に達すると言われている。")
        defects.append("currency")
    return "\n\n".join(parts) + "\n\n" + footer, defects


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=3000)
    parser.add_argument("--chars", type=int, default=15000)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--profile", action="store_true", help="print where check_posts spends")
    args = parser.parse_args()

    database_dir = None
    if not os.environ.get("DATABASE_URL"):
        database_dir = tempfile.TemporaryDirectory(prefix="kosei-bench-")
        os.environ["DATABASE_URL"] = f"sqlite:///{database_dir.name}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-not-secret")
    os.environ["DJANGO_DEBUG"] = ""  # no query log in memory
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from blog.logic.reading_time import reading_minutes
    from blog.logic.rendering import render_markdown
    from blog.models import Author, Category, Post

    print(f"データベース: {connection.vendor}（{os.environ['DATABASE_URL'].split('@')[-1]}）")
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("flush", "--noinput", verbosity=0)
    call_command("migrate", verbosity=0)  # flush empties the seeded rules; migrate is idempotent
    author = Author.objects.create(name="ベンチマーク編集部", slug="bench")
    category = Category.objects.create(name="AI最新ニュース", slug="latest")
    rng = random.Random(args.seed)
    now = timezone.now()
    batch, sizes, defect_count = [], [], 0
    for number in range(args.posts):
        published = now - dt.timedelta(hours=number)
        # Most related links point at an earlier post of the run; one in ten is broken.
        target = max(0, number - rng.randint(1, 50))
        target_day = timezone.localtime(now - dt.timedelta(hours=target)).date()
        related = f"/{target_day:%Y/%m/%d}/bench-{target}/"
        if rng.random() < 0.1:
            related = f"/2025/08/29/bench-missing-{number}/"
        text, defects = body(rng, args.chars, related)
        defect_count += bool(defects)
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
                excerpt="生成AIを業務に組み込む企業の取り組みを、取材をもとに整理した。" * 2,
                description="生成AIを業務に組み込む企業の取り組みを、取材をもとに整理します。" * 2,
                body=text,
                body_html=rendered.html,
                body_text=rendered.text,
                reading_time=reading_minutes(rendered.text),
            )
        )
        sizes.append(len(text))
        if len(batch) == 500:
            Post.objects.bulk_create(batch)
            batch = []
    Post.objects.bulk_create(batch)
    average = sum(sizes) / len(sizes)
    print(
        f"準備: {args.posts:,}件（平均{average:,.0f}文字、欠陥入り{defect_count:,}件）"
        f"を{time.perf_counter() - started:.1f}秒で作成（計測対象外）"
    )

    out = io.StringIO()
    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    started = time.perf_counter()
    call_command("check_posts", "--format", "json", "--fail-on", "never", stdout=out, verbosity=0)
    elapsed = time.perf_counter() - started
    if profiler is not None:
        import pstats

        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)
    print(f"check_posts: {args.posts:,}件を{elapsed:.1f}秒（{args.posts / elapsed:,.0f}件/秒）")

    import json

    totals = json.loads(out.getvalue())["totals"]
    print(
        "主な指摘: "
        + "、".join(
            f"{code} {row['posts']}件"
            for code, row in sorted(totals.items(), key=lambda kv: -kv[1]["posts"])[:6]
        )
    )
    if database_dir is not None:
        connection.close()
        database_dir.cleanup()


if __name__ == "__main__":
    main()
