"""Seed a benchmark database with realistic posts (run after django.setup()).

Bodies are Markdown of the requested length built from paragraphs: the old site's sample
posts when /work/shared is present (allowed for benchmarks, never shipped as content), else
generated Japanese prose. Posts are written with bulk_create and rendered once each with the
real renderer; the search index is rebuilt at the end.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import re
from pathlib import Path

WORDS = [
    "生成AI",
    "大規模言語モデル",
    "業務効率化",
    "導入事例",
    "評価指標",
    "ガバナンス",
    "検索拡張生成",
    "推論コスト",
    "データ基盤",
    "セキュリティ",
    "製造業",
    "物流",
    "小売",
    "金融",
    "医療",
    "教育",
    "自治体",
    "顧客対応",
    "需要予測",
    "異常検知",
    "画像認識",
    "音声認識",
    "翻訳",
    "要約",
    "エージェント",
    "自動化",
    "半導体",
    "クラウド",
    "オンプレミス",
    "人材育成",
    "投資判断",
    "費用対効果",
    "規制",
    "著作権",
    "個人情報",
    "品質管理",
    "運用体制",
    "試験導入",
    "本番運用",
    "API",
    "GPT-4o",
    "Claude",
    "Gemini",
    "Llama",
    "オープンソース",
    "ファインチューニング",
    "プロンプト",
    "評価",
    "ベンチマーク",
]
VERBS = [
    "を進めている。",
    "が注目されている。",
    "を検討する企業が増えた。",
    "の課題が明らかになった。",
    "に取り組む必要がある。",
    "を整理した。",
    "が鍵になる。",
    "の効果を測定した。",
    "を見直した。",
]


def _sample_paragraphs() -> list[str]:
    root = Path(os.environ.get("KOSEI_SHARED", Path(__file__).resolve().parents[2] / "shared"))
    posts = root / "samples" / "jekyll-site" / "_posts"
    paragraphs: list[str] = []
    if posts.is_dir():
        for path in sorted(posts.glob("*.md")):
            text = path.read_text(encoding="utf-8").split("---", 2)[-1]
            text = re.sub(r"\{%.*?%\}|\{:.*?\}|^#.*$", "", text, flags=re.M)
            paragraphs += [p.strip() for p in text.split("\n\n") if len(p.strip()) > 80]
    return paragraphs


def _generated_paragraph(rng: random.Random) -> str:
    sentences = []
    for _ in range(rng.randint(3, 6)):
        a, b = rng.sample(WORDS, 2)
        sentences.append(f"{a}と{b}{rng.choice(VERBS)}")
    return "".join(sentences)


def body_of(rng: random.Random, length: int, pool: list[str]) -> str:
    parts: list[str] = []
    size = 0
    section = 0
    while size < length:
        if size == 0 or rng.random() < 0.15:
            section += 1
            heading = f"## {rng.choice(WORDS)}の{rng.choice(['現状', '課題', '展望', '事例', '論点'])}{section}"
            parts.append(heading)
        paragraph = rng.choice(pool) if pool and rng.random() < 0.6 else _generated_paragraph(rng)
        if rng.random() < 0.05:
            paragraph += "\n\n[参考](https://www.amazon.co.jp/dp/4798181986/)"
        parts.append(paragraph)
        size += len(paragraph)
    return "\n\n".join(parts)[: length + 200]


def seed(n_posts: int = 3000, min_len: int = 4000, max_len: int = 25000, seed_value: int = 1):
    from django.db import transaction
    from django.utils import timezone
    from taggit.models import Tag

    from blog import search
    from blog.logic.reading_time import reading_minutes
    from blog.logic.rendering import render_markdown
    from blog.logic.urls import local_date
    from blog.models import (
        AffiliateBook,
        Author,
        CallToAction,
        Category,
        Post,
        PostBook,
        TaggedPost,
    )

    rng = random.Random(seed_value)
    pool = _sample_paragraphs()
    with transaction.atomic():
        categories = [
            Category.objects.get_or_create(slug=slug, defaults={"name": name, "order": i})[0]
            for i, (slug, name) in enumerate(
                [
                    ("latest", "AI最新ニュース"),
                    ("tech", "AI技術ガイド"),
                    ("strategy", "AI導入戦略"),
                    ("analysis", "業界別AI活用"),
                    ("implementation", "導入事例"),
                    ("research", "研究論文"),
                ]
            )
        ]
        for c in categories:
            CallToAction.objects.get_or_create(
                category=c,
                defaults={
                    "heading": f"{c.name}のご相談",
                    "text": "ALLFORCESが支援します。",
                    "link_label": "相談する",
                    "url": "/contact/?utm_source=article&utm_medium=cta",
                },
            )
        authors = [
            Author.objects.get_or_create(slug=slug, defaults={"name": name})[0]
            for slug, name in [
                ("editorial", "ALLFORCES編集部"),
                ("research", "リサーチチーム"),
                ("technical", "テクニカルチーム"),
            ]
        ]
        books = []
        for i in range(30):
            digits = f"4{i:08d}"
            check = (11 - sum((10 - k) * int(d) for k, d in enumerate(digits)) % 11) % 11
            asin = digits + ("X" if check == 10 else str(check))
            books.append(
                AffiliateBook.objects.get_or_create(
                    asin=asin, defaults={"title": f"ベンチマーク書籍{i}", "description": "紹介文。"}
                )[0]
            )
        tags = [Tag.objects.get_or_create(name=f"{w}{i % 4 or ''}")[0] for i, w in enumerate(WORDS)]
        now = timezone.now()
        posts = []
        for i in range(n_posts):
            body = body_of(rng, rng.randint(min_len, max_len), pool)
            rendered = render_markdown(body)
            published = now - dt.timedelta(minutes=i * 530 + rng.randint(0, 400))
            title = (
                f"{rng.choice(WORDS)}と{rng.choice(WORDS)}：{rng.choice(WORDS)}の最新動向 その{i}"
            )
            posts.append(
                Post(
                    title=title,
                    slug=f"bench-{i}",
                    status=Post.Status.PUBLISHED,
                    published_at=published,
                    url_date=local_date(published, "Asia/Tokyo"),
                    author=rng.choice(authors),
                    category=categories[i % len(categories)],
                    excerpt=rendered.text[:120],
                    description=rendered.text[:150],
                    body=body,
                    body_html=rendered.html,
                    toc=[{"level": e.level, "id": e.id, "title": e.title} for e in rendered.toc],
                    body_text=rendered.text,
                    reading_time=reading_minutes(rendered.text),
                )
            )
            if len(posts) % 500 == 0:
                print(f"  rendered {len(posts)}/{n_posts}", flush=True)
        Post.objects.bulk_create(posts, batch_size=200)
        posts = list(Post.objects.filter(slug__startswith="bench-").only("pk"))
        TaggedPost.objects.bulk_create(
            [
                TaggedPost(content_object_id=p.pk, tag_id=t.pk)
                for p in posts
                for t in rng.sample(tags, 6)
            ],
            batch_size=2000,
        )
        PostBook.objects.bulk_create(
            [
                PostBook(post_id=p.pk, book_id=b.pk, position=k)
                for p in posts
                for k, b in enumerate(rng.sample(books, 3))
            ],
            batch_size=2000,
        )
    search.rebuild()
    return len(posts)
