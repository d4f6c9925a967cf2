"""A folder of cards for difficult titles (`manage.py ogp_gallery OUTDIR`), for a person to look
at after changing the drawing, and the same titles for the tests.

The titles below were written for this project. The real old-site titles in
`<repo>/../shared/samples/jekyll-site/_posts` (or $KOSEI_SHARED_DIR/samples/...) are added when
that folder exists; they are read at run time, never copied into the project.
"""

import html
import os
import time
from dataclasses import dataclass
from itertools import cycle
from pathlib import Path

import yaml
from django.conf import settings

from blog import demo_content
from blog.logic import ogp

DIFFICULT_TITLES = [
    # 60 characters
    "生成AIを業務に導入する企業が増える中で見えてきた課題と、現場で成果を出すために必要な体制づくりと人材育成のポイント！！",
    "「AIエージェント元年」は本当か？（2026年版）国内企業100社の導入状況を徹底調査",
    "OpenAI o3 vs Google Gemini 2.5 Pro vs Anthropic Claude Opus 4: Benchmarks Compared",
    "Meta-Llama-3.1-405B-Instruct-Turboを社内GPUで動かすまで：量子化と推論最適化の実践",
    "GPT-4oの登場で国内の生成AI市場は2,000億円規模へ、企業の投資判断はどう変わるか",
    "ちょっと待って！AIっぽい文章、読者にバレてる？——「ー」「…」の使いすぎに注意しよう",
    "ＧＰＴ－４ｏとＣｌａｕｄｅ３．５の日本語性能を、ビジネス文書・要約・翻訳の３分野で比較",
    "🚀生成AIスタートアップの資金調達ラッシュ、2026年上半期の総額は1.5兆円に",
    "AI",
    "国内の大手製造業における生成AIの導入実態を、調達・設計・製造・品質保証・保守の五つの"
    "工程ごとに詳しく調べた結果、見えてきた共通の課題と、それを乗り越えた企業に共通する"
    "組織づくりと投資判断の考え方を、担当者へのインタビューから読み解く長編レポート",
]


def shared_dir() -> Path:
    """`<repo>/../shared`, or $KOSEI_SHARED_DIR."""
    configured = os.environ.get("KOSEI_SHARED_DIR")
    if configured:
        return Path(configured)
    return Path(settings.BASE_DIR).parent / "shared"


def sample_titles(shared: Path | None = None) -> list[str]:
    """Titles of the old site's sample posts; empty when the samples are not there."""
    posts = (shared or shared_dir()) / "samples" / "jekyll-site" / "_posts"
    titles = []
    for path in sorted(posts.glob("*.md")) if posts.is_dir() else []:
        text = path.read_text(encoding="utf-8")
        if not text.startswith("---"):
            continue
        front, _, _ = text[3:].partition("\n---")
        try:
            data = yaml.safe_load(front) or {}
        except yaml.YAMLError:
            continue  # the samples include broken front matter on purpose
        title = data.get("title") if isinstance(data, dict) else None
        if isinstance(title, str) and title.strip():
            titles.append(title.strip())
    return titles


@dataclass(frozen=True)
class GalleryEntry:
    file: str
    title: str
    category: str
    card: ogp.Card
    milliseconds: float


def draw_gallery(
    outdir: Path, font: ogp.FontSpec, *, site_name: str, domain: str
) -> list[GalleryEntry]:
    """Draw every difficult title (cycling through the site's category themes) into `outdir`
    with an index.html beside the PNGs."""
    outdir.mkdir(parents=True, exist_ok=True)
    titles = sample_titles() + DIFFICULT_TITLES
    entries = []
    for number, (title, row) in enumerate(zip(titles, cycle(demo_content.CATEGORIES)), 1):
        theme = ogp.Theme(row["gradient_start"], row["gradient_end"], row["accent"])
        data = ogp.CardInput(title, str(row["name"]), "ALLFORCES編集部", site_name, domain, theme)
        started = time.perf_counter()
        card = ogp.draw_card(data, font)
        elapsed = (time.perf_counter() - started) * 1000
        name = f"{number:02d}-{card.hash}.png"
        (outdir / name).write_bytes(card.png)
        entries.append(GalleryEntry(name, title, str(row["name"]), card, elapsed))
    (outdir / "index.html").write_text(_index(entries), encoding="utf-8")
    return entries


def _index(entries: list[GalleryEntry]) -> str:
    rows = []
    for e in entries:
        layout = e.card.layout
        notes = "".join(f"<li>{html.escape(w)}</li>" for w in e.card.warnings)
        rows.append(
            f'<figure><img src="{e.file}" width="600" alt="">'
            f"<figcaption><b>{html.escape(e.title)}</b><br>"
            f"{html.escape(e.category)} ・ {layout.size}px ・ {len(layout.lines)}行 ・ "
            f"{len(e.card.png) // 1024} KB ・ {e.milliseconds:.0f} ms"
            f"<ul>{notes}</ul></figcaption></figure>"
        )
    return (
        '<!doctype html><html lang="ja"><meta charset="utf-8"><title>OGP カード一覧</title>'
        "<style>body{font-family:sans-serif;margin:2em}figure{margin:0 0 2em}"
        "img{border:1px solid #ccc;max-width:100%;height:auto}</style>"
        "<h1>OGP カード一覧</h1>" + "".join(rows) + "</html>\n"
    )
