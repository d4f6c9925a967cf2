"""The quality engine's plain data: what goes in (Draft, Config, SiteContext) and what comes
out (Finding with an optional Fix). No Django: the glue in `editorial/quality/checking.py`
builds these from the database, tests build them by hand.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from editorial.logic.text import Doc

ERROR = "error"
WARNING = "warning"
INFO = "info"
OFF = "off"
SEVERITIES = (ERROR, WARNING, INFO)
SEVERITY_LABELS = {ERROR: "エラー", WARNING: "警告", INFO: "情報", OFF: "チェックしない"}
SEVERITY_RANK = {ERROR: 0, WARNING: 1, INFO: 2}

# Where a finding sits; also the order in which editors read them.
FIELDS = ("title", "slug", "excerpt", "description", "body", "tags", "books", "reading_time")
FIELD_LABELS = {
    "title": "タイトル",
    "slug": "スラッグ",
    "excerpt": "リード文",
    "description": "メタディスクリプション",
    "body": "本文",
    "tags": "タグ",
    "books": "書籍",
    "reading_time": "読了時間",
}
# Labels of the other fields an editor sets on a post (revision history, autosave offers).
FORM_FIELD_LABELS = {
    **FIELD_LABELS,
    "category": "カテゴリ",
    "reading_time_override": "読了時間の上書き",
}
TEXT_FIELDS = ("title", "slug", "excerpt", "description", "body")


@dataclass(frozen=True)
class Edit:
    """Replace `field[start:end]` with `replacement`.

    `must_remain` lists texts that must still be present after the edit: a duplicate is only
    removed while its kept copy exists, so a fix never removes the only copy of any text.
    """

    start: int
    end: int
    replacement: str = ""
    must_remain: tuple[str, ...] = ()


@dataclass(frozen=True)
class Fix:
    label: str
    field: str
    edits: tuple[Edit, ...]
    # Safe fixes may run unattended over the archive (`check_posts --fix`); the others are
    # offered as one-click buttons to an editor who sees the result.
    safe: bool = False


@dataclass(frozen=True)
class PostRef:
    """Another post a finding points to (a near-duplicate, the target a link meant)."""

    id: int | None
    title: str
    path: str = ""
    status: str = ""


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str
    message: str
    field: str = "body"
    line: int | None = None
    end_line: int | None = None
    start: int | None = None
    end: int | None = None
    excerpt: str = ""
    fix: Fix | None = None
    refs: tuple[PostRef, ...] = ()

    @property
    def fingerprint(self) -> str:
        """Stable id of this finding on this text, used by one-click fix buttons."""
        raw = f"{self.code}|{self.field}|{self.start}|{self.end}|{self.excerpt}|{self.message}"
        return hashlib.sha1(raw.encode("utf-8")).hexdigest()[:16]

    @property
    def blocks_publishing(self) -> bool:
        return self.severity == ERROR

    def to_dict(self) -> dict:
        data = {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "field": self.field,
            "line": self.line,
            "end_line": self.end_line,
            "start": self.start,
            "end": self.end,
            "excerpt": self.excerpt,
            "fingerprint": self.fingerprint,
            "fix": None,
            "refs": [
                {"id": r.id, "title": r.title, "path": r.path, "status": r.status}
                for r in self.refs
            ],
        }
        if self.fix is not None:
            data["fix"] = {"label": self.fix.label, "safe": self.fix.safe}
        return data


@dataclass(frozen=True)
class Book:
    asin: str
    title: str = ""


@dataclass(frozen=True)
class Link:
    url: str
    text: str = ""
    line: int = 0
    start: int = 0  # the URL's position in the body
    end: int = 0
    rel: frozenset[str] = frozenset()
    kind: str = "markdown"  # markdown, html, autolink, reference


@dataclass(frozen=True)
class StyleRule:
    """A house style rule editors maintain: a literal or a regular expression."""

    key: str
    pattern: str
    message: str
    severity: str = ERROR
    replacement: str = ""
    is_regex: bool = False
    name: str = ""


HOUSE_VOICE_MESSAGE = (
    "一人称「{match}」は使えません。当サイトの一人称は「編集部では」「取材によると」です。"
)
DEFAULT_STYLE_RULES = (
    StyleRule("voice-watashi-ga", "私が", HOUSE_VOICE_MESSAGE, ERROR, "編集部では", False, "私が"),
    StyleRule("voice-boku-ga", "僕が", HOUSE_VOICE_MESSAGE, ERROR, "編集部では", False, "僕が"),
)

# Suffixes the old site's title generator glued onto topics; they say nothing.
DEFAULT_PADDING_SUFFIXES = (
    "の全貌と実践的な活用法",
    "による業務効率化と競争力強化",
    "の技術革新がもたらす変化",
    "が変えるビジネスの未来",
    "がもたらす産業構造の転換",
    "の進化と実用化への道筋",
    "の注目ポイントと導入効果",
)


@dataclass(frozen=True)
class Config:
    """Tunables; the site's values come from the admin (QualityConfig, rules, severities)."""

    title_length: tuple[int, int] = (15, 60)
    excerpt_length: tuple[int, int] = (40, 200)
    description_length: tuple[int, int] = (50, 160)
    yen_per_dollar: tuple[float, float] = (100.0, 200.0)
    reference_yen_per_dollar: float = 150.0
    padding_suffixes: tuple[str, ...] = DEFAULT_PADDING_SUFFIXES
    style_rules: tuple[StyleRule, ...] = DEFAULT_STYLE_RULES
    severities: Mapping[str, str] = field(default_factory=dict)
    associate_tag: str = ""
    site_hosts: tuple[str, ...] = ("ai-media.co.jp", "www.ai-media.co.jp")
    # The page template prints the affiliate disclosure above the body whenever the post has
    # books or sponsored links (Kōsei's does); the old Jekyll site did not.
    template_disclosure: bool = False
    affiliate_hosts: tuple[str, ...] = (
        "amazon.co.jp",
        "amazon.com",
        "amzn.to",
        "amzn.asia",
        "a8.net",
        "afl.rakuten.co.jp",
        "moshimo.com",
        "valuecommerce.com",
    )
    category_names: tuple[str, ...] = ()
    min_repeat_chars: int = 80
    reading_time_tolerance: float = 0.5
    near_duplicate_threshold: float = 0.7
    max_findings_per_rule: int = 30

    def severity(self, code: str, default: str) -> str:
        return self.severities.get(code, default)


class NearDuplicates(Protocol):
    """What the duplicate check asks of the site's index (editorial/logic/duplicates.py)."""

    def similar(self, post_id: int | None, title: str, text: str) -> list: ...


@dataclass
class SiteContext:
    """What the checks know about the rest of the site. `published_paths` is None when
    unknown (then internal links are not judged)."""

    published_paths: frozenset[str] | None = None
    redirect_targets: Mapping[str, str] = field(default_factory=dict)  # old path -> new path
    published_posts: Mapping[str, PostRef] = field(default_factory=dict)  # path -> post
    near_duplicates: NearDuplicates | None = None

    @cached_property
    def slug_index(self) -> dict[str, list[PostRef]]:
        from editorial.logic.text import slug_key

        index: dict[str, list[PostRef]] = {}
        for path, ref in self.published_posts.items():
            index.setdefault(slug_key(path.rstrip("/").rsplit("/", 1)[-1]), []).append(ref)
        return index

    @cached_property
    def slug_prefix_index(self) -> dict[str, dict[str, list[PostRef]]]:
        index: dict[str, dict[str, list[PostRef]]] = {}
        for slug, refs in self.slug_index.items():
            index.setdefault(slug[:8], {})[slug] = refs
        return index

    @cached_property
    def title_index(self) -> dict[str, PostRef]:
        from editorial.logic.text import slug_key

        return {slug_key(ref.title): ref for ref in self.published_posts.values() if ref.title}


@dataclass
class Draft:
    """One article as the checks see it. `text` and `html` are the rendered body; when left
    out they are rendered here. `links` are found by the link checks when not given."""

    title: str = ""
    slug: str = ""
    excerpt: str = ""
    description: str = ""
    body: str = ""
    text: str | None = None
    html: str | None = None
    tags: tuple[str, ...] = ()
    category: str = ""
    books: tuple[Book, ...] = ()
    links: tuple[Link, ...] | None = None
    reading_time: int | None = None
    reading_time_override: int | None = None
    published_at: dt.datetime | None = None
    post_id: int | None = None
    status: str = ""
    path: str = ""

    def __post_init__(self) -> None:
        if self.text is None or self.html is None:
            from blog.logic.rendering import render_markdown

            rendered = render_markdown(self.body)
            if self.text is None:
                self.text = rendered.text
            if self.html is None:
                self.html = rendered.html
        if self.reading_time is None:
            from blog.logic.reading_time import reading_minutes

            self.reading_time = reading_minutes(self.text or "")

    @cached_property
    def doc(self) -> Doc:
        from editorial.logic.text import Doc

        return Doc(self.body)

    def field_text(self, name: str) -> str:
        return getattr(self, name) or ""
