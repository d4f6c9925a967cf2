"""Import the old Jekyll site into posts, keeping every post, every URL and every link.

`import_jekyll_site()` does the work; `manage.py import_jekyll` only parses options and prints
the report. The pure rules (front matter, URLs, footer blocks, links) live in
`blog.logic.frontmatter` and `blog.logic.jekyll`; this module applies them to the database.

How a run goes:

1. Scan: read `_config.yml` and every `_posts/**/*.md|markdown`, parse the front matter, and
   compute each file's URL as the old site served it. Files that cannot be parsed are reported
   (file, line, reason) and the rest goes on.
2. Assign URLs: when two files map to one URL, the later-dated one keeps it (as on the old
   site) and the other moves to its file-name date, flagged for review.
3. Posts: footer blocks become data, links to old URL forms are rewritten, and each post is
   created or updated in its own transaction. A post is matched to its file through
   `extra["import"]["source"]`; one whose `version` moved on since the import (an editor saved
   it) is never overwritten.
4. Related posts, redirects (old URL forms, dead category URLs) and the categories' calls to
   action, once every post exists.

Matching by `extra["import"]["source"]` rather than a dedicated column: a run reads all imported
posts once (one query) and matches them in memory, so an index would buy nothing, and the post
table keeps no column that only the migration uses. JSON key lookups
(`extra__import__source=...`) work on SQLite and PostgreSQL alike for ad-hoc queries.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import multiprocessing
import os
import unicodedata
from collections import Counter
from collections.abc import Callable, Hashable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.text import slugify
from taggit.models import Tag

from blog import ogp_cards
from blog.logic import frontmatter, jekyll, prerender
from blog.logic.asin import asin_error, normalize_asin
from blog.logic.prerender import PreRendered
from blog.logic.urls import SLUG_FORBIDDEN, slug_error
from blog.models import (
    AffiliateBook,
    Author,
    CallToAction,
    Category,
    Post,
    PostBook,
    Redirect,
    RelatedPost,
    TaggedPost,
)
from blog.validators import ALLOWED_IMAGE_FORMATS, MAX_IMAGE_BYTES, validate_link_target

# Bump when the import's output for the same file changes, so a new run updates the posts.
IMPORTER_VERSION = 1
DEFAULT_AUTHOR = "ALLFORCES編集部"
COMMIT_EVERY = 100  # posts per transaction
# Worker processes take about a second to start: they render bodies only for larger imports.
PARALLEL_FROM = 200

ERROR, WARNING, INFO = "error", "warning", "info"
LEVEL_LABELS = {ERROR: "失敗", WARNING: "要確認", INFO: "情報"}

# The report's counters, in the order (and with the words) the command prints them.
COUNT_LABELS = {
    "files": "対象ファイル",
    "created": "作成した記事",
    "updated": "更新した記事",
    "unchanged": "変更のない記事",
    "failed": "取り込めなかったファイル",
    "edited_skipped": "編集済みのため上書きしなかった記事",
    "collisions": "URL の衝突（要確認）",
    "redirects": "作成したリダイレクト",
    "books_linked": "記事に紐付けた書籍",
    "books_created": "新しく登録した書籍",
    "book_search_items": "ASIN のない書籍リンク（要確認）",
    "related_resolved": "解決した関連記事",
    "links_rewritten": "書き換えた内部リンク",
    "links_unresolved": "解決できないリンク",
    "images_imported": "取り込んだ OGP 画像",
    "images_missing": "見つからない画像",
    "blocks_removed": "本文から外したブロック",
    "categories_created": "作成したカテゴリ",
    "authors_created": "作成した著者",
    "ctas_created": "作成した CTA",
}

# Front-matter keys whose whole value lives in a model field; every other key is kept verbatim
# in `extra["jekyll"]` (categories, image, sitemap, robots, canonical_url, reading_time, ...).
MAPPED_KEYS = frozenset({"title", "date", "author", "tags", "excerpt", "description"})

# Slugs for the team bylines the old site used (SITE.md); others get a derived slug.
AUTHOR_SLUGS = {
    "ALLFORCES編集部": "editorial",
    "産業リサーチチーム": "industry-research-team",
    "戦略コンサルタント": "strategy-consultants",
    "テクニカルチーム": "tech-team",
    "リサーチチーム": "research-team",
}


class ImportAborted(Exception):
    """The site itself cannot be imported (no `_posts/`, unreadable `_config.yml`)."""


# --- report ----------------------------------------------------------------------------------


@dataclass
class Problem:
    file: str
    line: int | None
    level: str
    code: str
    message: str

    def format(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "")
        return f"[{LEVEL_LABELS[self.level]}] {where} {self.message}"


@dataclass
class ImportReport:
    site_dir: str
    dry_run: bool
    status: str
    counts: Counter = field(default_factory=Counter)
    problems: list[Problem] = field(default_factory=list)
    posts: list[dict] = field(default_factory=list)

    def problem(self, file: str, line: int | None, level: str, code: str, message: str) -> Problem:
        problem = Problem(file, line, level, code, message)
        self.problems.append(problem)
        return problem

    @property
    def has_failures(self) -> bool:
        return self.counts["failed"] > 0

    def problems_for(self, file: str) -> list[Problem]:
        return [p for p in self.problems if p.file == file]

    def as_dict(self) -> dict:
        return {
            "site_dir": self.site_dir,
            "dry_run": self.dry_run,
            "status": self.status,
            "counts": {key: self.counts[key] for key in COUNT_LABELS},
            "problems": [vars(p) for p in self.problems],
            "posts": self.posts,
        }


# --- scanning --------------------------------------------------------------------------------


@dataclass
class Source:
    """One post file, as far as the first pass needs it (the body is read again later)."""

    rel: str  # path inside SITE_DIR, POSIX, NFC: the key that matches the post on re-import
    path: Path
    name: jekyll.PostName
    published: dt.datetime
    tokyo_date: dt.date
    title: str = ""
    url_date: dt.date = None  # type: ignore[assignment]  (assigned in assign_urls)
    slug: str = ""
    collision: bool = False

    @property
    def key(self) -> Hashable:
        return ("file", self.rel)

    @property
    def path_on_site(self) -> str:
        return jekyll.article_path(self.url_date, self.slug)


def _relative(path: Path, root: Path) -> str:
    return unicodedata.normalize("NFC", path.relative_to(root).as_posix())


def read_config(site_dir: Path, report: ImportReport) -> jekyll.SiteConfig:
    config_path = site_dir / "_config.yml"
    if not config_path.exists():
        report.problem(
            "_config.yml", None, WARNING, "config_missing",
            "_config.yml がないため、既定値（Asia/Tokyo、/:year/:month/:day/:title/）で"
            "取り込みます。",
        )  # fmt: skip
        return jekyll.SiteConfig()
    try:
        config = jekyll.parse_config(config_path.read_text(encoding="utf-8-sig"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise ImportAborted(str(exc)) from None
    if config.permalink.rstrip("/") != jekyll.SUPPORTED_PERMALINK.rstrip("/"):
        raise ImportAborted(
            f"_config.yml の permalink「{config.permalink}」には対応していません"
            f"（対応: {jekyll.SUPPORTED_PERMALINK}）。"
        )
    return config


def post_files(site_dir: Path) -> list[Path]:
    posts_dir = site_dir / "_posts"
    if not posts_dir.is_dir():
        raise ImportAborted(
            f"{posts_dir} がありません（Jekyll サイトのフォルダを指定してください）。"
        )
    files = [
        p
        for p in posts_dir.rglob("*")
        if p.is_file()
        and p.suffix.lower() in jekyll.POST_EXTENSIONS
        # Jekyll skips hidden and underscore files and editor backups.
        and not any(part.startswith((".", "_")) for part in p.relative_to(posts_dir).parts)
    ]
    return sorted(files, key=lambda p: _relative(p, site_dir))


def scan_file(path: Path, site_dir: Path, config: jekyll.SiteConfig, report: ImportReport):
    """First pass over one file: its URL inputs, or None (reported) when it cannot be a post."""
    rel = _relative(path, site_dir)
    name = jekyll.parse_post_name(path.name)
    if name is None:
        report.problem(
            rel, None, ERROR, "bad_file_name",
            "ファイル名が「YYYY-MM-DD-タイトル.md」の形ではないため、旧サイトでも記事として"
            "扱われていません。取り込みませんでした。",
        )  # fmt: skip
        return None
    try:
        document = frontmatter.parse_document(path.read_bytes())
    except frontmatter.FrontMatterError as exc:
        report.problem(rel, exc.line, ERROR, "unreadable", exc.reason)
        return None
    except OSError as exc:
        report.problem(rel, None, ERROR, "unreadable", f"ファイルを読めません（{exc}）。")
        return None
    published, _ = _published_at(document, name, config)
    if published is None:
        line = document.key_lines.get("date")
        try:
            frontmatter.parse_date(document.data.get("date"), config.timezone)
        except ValueError as exc:
            report.problem(rel, line, ERROR, "bad_date", f"date: {exc}")
        return None
    if slug_error(name.slug):
        safe = SLUG_FORBIDDEN.sub("-", name.slug).strip("-")
        if slug_error(safe):
            report.problem(
                rel,
                None,
                ERROR,
                "bad_slug",
                f"ファイル名から URL を作れません（{slug_error(name.slug)}）。",
            )
            return None
        report.problem(
            rel, None, WARNING, "slug_changed",
            f"ファイル名の「{name.slug}」は URL に使えない文字を含むため「{safe}」にしました"
            "（元の URL からはリダイレクトします）。",
        )  # fmt: skip
        name = jekyll.PostName(date=name.date, stem=name.slug, slug=safe)
    return Source(
        rel=rel,
        path=path,
        name=name,
        published=published,
        tokyo_date=jekyll.url_date(published, config.timezone),
        title=_text(document.data.get("title")),
    )


def _published_at(
    document: frontmatter.Document, name: jekyll.PostName, config: jekyll.SiteConfig
) -> tuple[dt.datetime | None, bool]:
    """The publication time, and whether it came from the file name (no `date:` key)."""
    value = document.data.get("date")
    if value is None or value == "":
        # Jekyll dates such a post by its file name, at midnight in the site's time zone.
        return frontmatter.parse_date(name.date, config.timezone), True
    try:
        return frontmatter.parse_date(value, config.timezone), False
    except ValueError:
        return None, False


# --- URLs ------------------------------------------------------------------------------------


@dataclass
class Existing:
    """What the database already has, loaded once per run."""

    by_source: dict[str, Post]
    urls: dict[tuple[dt.date, str], int]  # every post's real URL -> pk
    titles: dict[int, str]


def load_existing() -> Existing:
    by_source: dict[str, Post] = {}
    urls: dict[tuple[dt.date, str], int] = {}
    titles: dict[int, str] = {}
    for post in Post.objects.only("title", "url_date", "slug", "version", "extra", "ogp_image"):
        titles[post.pk] = post.title
        if post.url_date is not None:
            urls[(post.url_date, post.slug)] = post.pk
        source = _import_meta(post).get("source")
        if source:
            by_source[source] = post
    return Existing(by_source=by_source, urls=urls, titles=titles)


def _import_meta(post: Post) -> dict:
    meta = (post.extra or {}).get("import") if isinstance(post.extra, dict) else None
    return meta if isinstance(meta, dict) else {}


def _edited_since_import(post: Post) -> bool:
    return post.version != _import_meta(post).get("version")


def assign_urls(sources: list[Source], existing: Existing, report: ImportReport) -> None:
    """Give each file its URL; settle collisions the way the old site did."""
    ours = {existing.by_source[s.rel].pk for s in sources if s.rel in existing.by_source}
    taken: dict[tuple[dt.date, str], str] = {
        url: f"記事 ID {pk}" for url, pk in existing.urls.items() if pk not in ours
    }
    pending: list[Source] = []
    # An imported post an editor has changed keeps the URL it has now.
    for source in sources:
        post = existing.by_source.get(source.rel)
        if post is not None and _edited_since_import(post) and post.url_date is not None:
            source.url_date, source.slug = post.url_date, post.slug
            taken[(post.url_date, post.slug)] = source.rel
        else:
            pending.append(source)

    groups: dict[tuple[dt.date, str], list[Source]] = {}
    for source in pending:
        groups.setdefault((source.tokyo_date, source.name.slug), []).append(source)
    losers: list[tuple[Source, str]] = []
    for url, group in groups.items():
        # The old site served the later-dated post at a shared URL.
        group.sort(key=lambda s: (s.published, s.rel), reverse=True)
        if url in taken:
            losers.extend((s, taken[url]) for s in group)
            continue
        winner = group[0]
        winner.url_date, winner.slug = url
        taken[url] = winner.rel
        losers.extend((s, winner.rel) for s in group[1:])

    for source, other in losers:
        wanted = jekyll.article_path(source.tokyo_date, source.name.slug)
        day, base = source.name.date, source.name.slug
        slug, n = base, 1
        while (day, slug) in taken:
            n += 1
            slug = f"{base}-{n}"
        source.url_date, source.slug, source.collision = day, slug, True
        taken[(day, slug)] = source.rel
        report.counts["collisions"] += 1
        report.problem(
            source.rel, None, WARNING, "url_collision",
            f"URL {wanted} は {other} と重なります。旧サイトでは日付の新しい記事がこの URL で"
            f"表示されていたため、この記事は {source.path_on_site} で取り込みました"
            "（旧サイトでは表示されていなかった記事です。内容を確認してください）。",
        )  # fmt: skip


def old_url_forms(source: Source) -> set[tuple[dt.date, str]]:
    """URL forms old links used for this post: file-name date, raw file-name title."""
    forms = {
        (source.name.date, source.name.slug),
        (source.name.date, source.name.stem),
        (source.tokyo_date, source.name.stem),
    }
    forms.discard((source.url_date, source.slug))
    return {(day, slug) for day, slug in forms if _path_safe(slug)}


def _path_safe(slug: str) -> bool:
    """Usable as the last segment of a redirect's old path (a trailing hyphen is fine here)."""
    return bool(slug.strip("-")) and not SLUG_FORBIDDEN.search(slug)


def build_index(sources: list[Source], existing: Existing) -> tuple[jekyll.LinkIndex, dict]:
    index = jekyll.LinkIndex()
    paths: dict[Hashable, str] = {}
    ours = {existing.by_source[s.rel].pk for s in sources if s.rel in existing.by_source}
    for source in sources:
        index.add(
            source.key,
            source.url_date,
            source.slug,
            title=source.title,
            alternates=old_url_forms(source),
            file_stem=source.path.stem,
        )
        paths[source.key] = source.path_on_site
    for (day, slug), pk in existing.urls.items():
        if pk not in ours:
            index.add(("pk", pk), day, slug, title=existing.titles.get(pk, ""))
            paths[("pk", pk)] = jekyll.article_path(day, slug)
    return index, paths


# --- one post --------------------------------------------------------------------------------


@dataclass
class Prepared:
    """Everything a post gets from its file, ready to compare with and write to the database."""

    source: Source
    fields: dict
    author_name: str
    category: jekyll.CategoryInfo | None
    tags: list[str]
    books: list[jekyll.BookItem]
    related_keys: list[Hashable]
    ctas: list[jekyll.CallToActionBlock]
    image: dict | None
    image_bytes: bytes | None
    extra_jekyll: dict
    extra_import: dict
    empty_body: bool
    hidden_on_old_site: bool

    def digest(self) -> str:
        payload = {
            "importer": IMPORTER_VERSION,
            "fields": {k: str(v) for k, v in self.fields.items()},
            "author": self.author_name,
            "category": self.category.slug if self.category else None,
            "tags": self.tags,
            "books": [[b.asin, b.title, b.description] for b in self.books],
            "image": self.image,
            "jekyll": self.extra_jekyll,
            "import": self.extra_import,
        }
        data = json.dumps(payload, ensure_ascii=False, sort_keys=True, default=str)
        return hashlib.sha256(data.encode()).hexdigest()


@dataclass
class _Plan:
    """One file of a run: read (prepared) and, when it must be written, its rendering."""

    source: Source
    entry: dict
    post: Post | None
    prepared: Prepared | None = None
    digest: str = ""
    write: bool = False
    rendering: Future | None = None

    def prerendered(self) -> PreRendered | None:
        if self.rendering is None:
            return None
        fields = self.prepared.fields
        try:
            result = self.rendering.result()
        except BrokenProcessPool:
            return None  # the workers are gone: Post.save() renders the body itself
        # Any other exception of the worker is raised here, inside the post's savepoint: the
        # post fails alone, as it would have failed rendering in this process.
        return prerender.complete(fields["title"], fields["excerpt"], fields["body"], result)


@contextmanager
def _render_pool(jobs: int) -> Iterator[ProcessPoolExecutor | None]:
    """Worker processes that render bodies while this process writes (None: render inline).

    spawn: the workers import only blog.logic (no Django, no inherited connections); they are
    started on the first body sent, so a run that writes nothing starts none."""
    if jobs <= 1:
        yield None
        return
    with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
        yield pool


class Importer:
    def __init__(
        self,
        site_dir: Path,
        *,
        status: str = Post.Status.DRAFT,
        dry_run: bool = False,
        limit: int | None = None,
        progress: Callable[[int, int], None] | None = None,
        jobs: int | None = None,
    ) -> None:
        if status not in {Post.Status.DRAFT, Post.Status.PUBLISHED}:
            raise ValueError(f"status must be draft or published, not {status!r}")
        self.site_dir = site_dir.resolve()
        self.jobs = jobs if jobs is not None else (os.cpu_count() or 1)
        self.status = status
        self.dry_run = dry_run
        self.limit = limit
        self.progress = progress
        self.report = ImportReport(site_dir=str(site_dir), dry_run=dry_run, status=status)
        self._authors: dict[str, Author] = {}
        self._categories: dict[str, Category] = {}
        self._books: dict[str, AffiliateBook] = {}
        self._tags: dict[str, Tag] = {}
        self._pk_by_key: dict[Hashable, int] = {}
        self._related_wanted: dict[int, tuple[str, list[Hashable]]] = {}
        self._redirects_wanted: dict[str, tuple[int | None, str, str]] = {}
        self._cta_candidates: dict[str, list[jekyll.CallToActionBlock]] = {}

    # -- driver --

    def run(self) -> ImportReport:
        config = read_config(self.site_dir, self.report)
        self.config = config
        self.hosts = jekyll.site_hosts(config.url)
        files = post_files(self.site_dir)
        if self.limit is not None:
            files = files[: self.limit]
        self.report.counts["files"] = len(files)

        sources = []
        for path in files:
            source = scan_file(path, self.site_dir, config, self.report)
            if source is None:
                self.report.counts["failed"] += 1
                self.report.posts.append(
                    {"file": _relative(path, self.site_dir), "action": "failed", "url": None}
                )
            else:
                sources.append(source)

        # Social cards are not drawn post by post here (2,500 drawings would take minutes, and
        # a dry run must write no file): `generate_ogp --missing` draws them afterwards.
        with ogp_cards.cards_paused():
            if self.dry_run:
                # Everything a real run does, in one transaction rolled back at the end: the
                # report is the real one and nothing is written (no image files either).
                with transaction.atomic():
                    self._run_sources(sources)
                    transaction.set_rollback(True)
            else:
                # Committed in batches (see _run_sources): an interrupted run keeps its work
                # and the next run carries on from there.
                self._run_sources(sources)
        self.report.posts.sort(key=lambda p: p["file"])
        return self.report

    def _run_sources(self, sources: list[Source]) -> None:
        existing = load_existing()
        self.existing = existing
        assign_urls(sources, existing, self.report)
        self.index, self.paths = build_index(sources, existing)
        self._books = {book.asin: book for book in AffiliateBook.objects.all()}
        self._tags = {}
        for tag in Tag.objects.order_by("pk"):
            self._tags.setdefault(tag.name.casefold(), tag)
        with _render_pool(self.jobs if len(sources) >= PARALLEL_FROM else 1) as pool:
            for start in range(0, len(sources), COMMIT_EVERY):
                # Each post is its own savepoint (a bad one is rolled back alone); committing in
                # batches spares PostgreSQL an fsync per post, which was half of the import time.
                with transaction.atomic():
                    # The batch's files are read first and their bodies sent to the worker
                    # processes; then each post is written as soon as its rendering is back,
                    # while the workers render the next ones.
                    plans = [self._plan(source) for source in sources[start : start + COMMIT_EVERY]]
                    if pool is not None:
                        try:
                            for plan in plans:
                                if plan.write:
                                    fields = plan.prepared.fields
                                    plan.rendering = prerender.submit(
                                        pool, fields["title"], fields["excerpt"], fields["body"]
                                    )
                        except BrokenProcessPool:
                            pool = None  # a worker died: render here from now on
                    for done, plan in enumerate(plans, start + 1):
                        if plan.write:
                            self._write_planned(plan)
                        if self.progress:
                            self.progress(done, len(sources))
        with transaction.atomic():
            self._write_related()
            self._write_redirects(sources)
            self._write_ctas()

    # -- reading a file into field values --

    def _problem(self, source: Source, line, level, code, message) -> None:
        self.report.problem(source.rel, line, level, code, message)

    def prepare(self, source: Source) -> Prepared:
        document = frontmatter.parse_document(source.path.read_bytes())
        data = document.data
        body_offset = document.body_line - 1

        def at(key: str) -> int | None:
            return document.key_lines.get(key)

        if document.had_bom:
            self._problem(
                source, 1, INFO, "bom", "先頭の BOM（バイトオーダーマーク）を取り除きました。"
            )
        if document.had_crlf:
            self._problem(source, None, INFO, "crlf", "改行コード CRLF を LF にそろえました。")
        for duplicate in document.duplicate_keys:
            self._problem(
                source, duplicate.line, WARNING, "duplicate_key",
                f"キー「{duplicate.key}」が {duplicate.first_line}行目と {duplicate.line}行目に"
                "あります。旧サイトと同じく後の値を使いました。",
            )  # fmt: skip
        _, date_from_name = _published_at(document, source.name, self.config)
        if date_from_name:
            self._problem(
                source, None, WARNING, "date_missing",
                f"date がないため、旧サイトと同じくファイル名の日付（{source.name.date:%Y-%m-%d}）"
                "を公開日にしました。",
            )  # fmt: skip

        extra_jekyll = {
            key: frontmatter.jsonable(value)
            for key, value in data.items()
            if key not in MAPPED_KEYS
        }
        extra_import: dict = {}

        # Title and texts.
        title = _text(data.get("title"))
        if not title:
            title = source.name.stem.replace("-", " ").strip() or source.slug
            self._problem(
                source, at("title"), WARNING, "title_missing",
                f"title がないため、ファイル名から「{title}」としました。",
            )  # fmt: skip
        title = self._fit(source, "title", title, 200, at("title"), extra_jekyll, data)
        description = self._fit(
            source, "description", _text(data.get("description")), 300, at("description"),
            extra_jekyll, data,
        )  # fmt: skip
        excerpt = _text(data.get("excerpt"))

        # Author, category, tags.
        author_name = _author_name(data.get("author")) or self.config.author or DEFAULT_AUTHOR
        category = self._category_from(source, data, at)
        tags = self._tags_from(source, data.get("tags"), at("tags"))

        # Body: blocks out, links rewritten.
        extracted = jekyll.extract_blocks(document.body)
        for block_problem in extracted.problems:
            self._problem(
                source, body_offset + block_problem.line, WARNING, block_problem.code,
                block_problem.message,
            )  # fmt: skip
        self.report.counts["blocks_removed"] += (
            extracted.blocks_removed + extracted.disclosures_removed
        )

        def file_line(body_line: int) -> int:
            return body_offset + extracted.line_map[body_line - 1]

        body, rewrites, unresolved = jekyll.rewrite_post_links(
            extracted.body, self._resolve_link_for(source), self.hosts
        )
        for rewrite in rewrites:
            self._problem(
                source, file_line(rewrite.line), INFO, "link_rewritten",
                f"本文のリンク {rewrite.old} を {rewrite.new} に書き換えました。",
            )  # fmt: skip
        for link in unresolved:
            self._problem(
                source, file_line(link.line), WARNING, "link_unresolved",
                f"本文のリンク {link.url} に当たる記事がありません。",
            )  # fmt: skip
        self.report.counts["links_rewritten"] += len(rewrites)
        self.report.counts["links_unresolved"] += len(unresolved)
        for marker in jekyll.content_markers(body):
            self._problem(source, file_line(marker.line), WARNING, marker.code, marker.message)
        # Stored without the blank lines Jekyll files carry around the body.
        body = body.strip("\n") + "\n" if body.strip() else ""
        empty_body = not body
        if empty_body:
            self._problem(
                source, document.body_line, WARNING, "empty_body",
                "本文が空です（フッターのブロックを除くと何も残りません）。下書きとして取り込みました。",
            )  # fmt: skip

        related_keys = self._related_from(
            source, data, extracted.related, body_offset, extra_import
        )
        books = self._books_from(source, extracted.books, body_offset, extra_import)
        if extracted.ctas:
            first = extracted.ctas[0]
            extra_import["cta"] = {
                "heading": first.heading,
                "text": first.text,
                "link_label": first.link_label,
                "url": first.url,
            }
            if category is not None:
                self._cta_candidates.setdefault(category.slug, []).extend(extracted.ctas)

        noindex = _is_false(data.get("sitemap")) or "noindex" in _text(data.get("robots")).lower()
        canonical = self._canonical(source, data.get("canonical_url"), at("canonical_url"))
        image, image_bytes = self._image(source, data.get("image"), at("image"))

        hidden = _is_false(data.get("published"))
        if hidden:
            self._problem(
                source, at("published"), INFO, "unpublished_on_old_site",
                "published: false の記事（旧サイトでも非公開）のため下書きとして取り込みました。",
            )  # fmt: skip
        if data.get("permalink"):
            self._problem(
                source, at("permalink"), WARNING, "own_permalink",
                f"記事ごとの permalink「{data['permalink']}」は使わず、日付とスラッグの URL に"
                "しました"
                "（元の URL からはリダイレクトします）。",
            )  # fmt: skip
            path = jekyll.site_path(str(data["permalink"]), self.hosts) or ""
            if path.startswith("/") and path != source.path_on_site:
                self._want_redirect(path, None, source.rel, "")

        fields = {
            "title": title,
            "slug": source.slug,
            "url_date": source.url_date,
            "published_at": source.published,
            "excerpt": excerpt,
            "description": description,
            "body": body,
            "noindex": noindex,
            "canonical_url": canonical,
        }
        return Prepared(
            source=source,
            fields=fields,
            author_name=author_name,
            category=category,
            tags=tags,
            books=books,
            related_keys=related_keys,
            ctas=extracted.ctas,
            image=image,
            image_bytes=image_bytes,
            extra_jekyll=extra_jekyll,
            extra_import=extra_import,
            empty_body=empty_body,
            hidden_on_old_site=hidden,
        )

    def _fit(self, source, key, value, limit, line, extra_jekyll, data) -> str:
        if len(value) <= limit:
            return value
        extra_jekyll[key] = frontmatter.jsonable(data.get(key))
        self._problem(
            source, line, WARNING, f"{key}_too_long",
            f"{key} が{len(value)}文字あり、上限の{limit}文字に収まるよう末尾を省きました"
            "（元の値は extra に残しています）。",
        )  # fmt: skip
        return value[: limit - 1] + "…"

    def _category_from(self, source, data, at) -> jekyll.CategoryInfo | None:
        names = jekyll.as_name_list(data.get("categories")) + jekyll.as_name_list(
            data.get("category")
        )
        found: list[jekyll.CategoryInfo] = []
        for name in names:
            info = jekyll.category_for(name)
            if info is None:
                self._problem(
                    source, at("categories") or at("category"), WARNING, "unknown_category",
                    f"カテゴリ「{name}」はサイトの6カテゴリのどれにも当たりません"
                    "（元の値は extra に残しています）。",
                )  # fmt: skip
            elif info not in found:
                found.append(info)
        if not names:
            self._problem(source, None, WARNING, "category_missing", "カテゴリがありません。")
        if len(found) > 1:
            self._problem(
                source, at("categories"), WARNING, "several_categories",
                f"カテゴリが複数あります。最初の「{found[0].name}」にしました。",
            )  # fmt: skip
        return found[0] if found else None

    def _tags_from(self, source, value, line) -> list[str]:
        tags: list[str] = []
        seen: set[str] = set()
        for name in jekyll.as_name_list(value):
            if len(name) > 100:
                self._problem(
                    source,
                    line,
                    WARNING,
                    "tag_too_long",
                    f"タグ「{name[:30]}…」は長すぎるため外しました。",
                )
                continue
            if name.casefold() not in seen:
                seen.add(name.casefold())
                tags.append(name)
        return tags

    def _resolve_link_for(self, source: Source) -> Callable[[str, str], str | None | bool]:
        def resolve(path: str, text: str) -> str | None | bool:
            resolution = self.index.resolve_path(path, text)
            if resolution is None:
                return None
            if resolution.ambiguous:
                self._problem(
                    source, None, WARNING, "link_ambiguous",
                    f"リンク {path} に当たる記事が複数あるため、日付の近い "
                    f"{self.paths[resolution.key]} としました。",
                )  # fmt: skip
            return True if resolution.exact else self.paths[resolution.key]

        return resolve

    def _related_from(self, source, data, body_links, body_offset, extra_import) -> list[Hashable]:
        """Ordered related posts: the pillar article, `related_articles`, then the body lists."""
        wanted: list[tuple[str, str, str, int | None]] = []  # kind, reference, title, line
        for key in ("pillar_article", "related_articles"):
            value = data.get(key)
            items = value if isinstance(value, list) else [value] if value else []
            for item in items:
                ref = item.get("slug") if isinstance(item, dict) else item
                title = item.get("title") if isinstance(item, dict) else ""
                if ref:
                    wanted.append(("stem", str(ref), _text(title), None))
        wanted.extend(("url", link.url, link.title, body_offset + link.line) for link in body_links)

        keys: list[Hashable] = []
        unresolved: list[str] = []
        for kind, ref, title, line in wanted:
            if kind == "stem":
                resolution = self.index.resolve_file_stem(ref, title)
            else:
                path = jekyll.site_path(ref, self.hosts)
                resolution = self.index.resolve_path(path, title) if path else None
            if resolution is None:
                if ref not in unresolved:
                    unresolved.append(ref)
                    self._problem(
                        source, line, WARNING, "related_unresolved",
                        f"関連記事「{title[:40]}」（{ref}）に当たる記事がありません"
                        "（extra に残しています）。",
                    )  # fmt: skip
                continue
            if resolution.key != source.key and resolution.key not in keys:
                keys.append(resolution.key)
        self.report.counts["links_unresolved"] += len(unresolved)
        if unresolved:
            extra_import["unresolved_related"] = unresolved
        return keys

    def _books_from(self, source, items, body_offset, extra_import) -> list[jekyll.BookItem]:
        books: list[jekyll.BookItem] = []
        seen: set[str] = set()
        search_items, invalid = [], []
        for item in items:
            line = body_offset + item.line
            if item.asin is None:
                keywords = jekyll.amazon_search_keywords(item.url)
                entry = {"title": item.title, "url": item.url, "description": item.description}
                if entry in search_items:
                    continue  # the same block pasted again
                search_items.append(entry)
                self._problem(
                    source, line, WARNING, "book_search_link",
                    f"書籍「{item.title}」は検索リンク（{keywords or item.url}）で ASIN が"
                    "ありません。"
                    "書籍を選び直してください（extra に残しています）。",
                )  # fmt: skip
                continue
            asin = normalize_asin(item.asin)
            error = asin_error(asin)
            if error:
                invalid.append({"title": item.title, "url": item.url, "asin": asin})
                self._problem(
                    source, line, WARNING, "book_bad_asin", f"書籍「{item.title}」: {error}"
                )
                continue
            if asin not in seen:
                seen.add(asin)
                books.append(item)
        self.report.counts["book_search_items"] += len(search_items)
        if search_items:
            extra_import["book_search_items"] = search_items
        if invalid:
            extra_import["invalid_books"] = invalid
        return books

    def _canonical(self, source: Source, value, line) -> str:
        url = _text(value)
        if not url:
            return ""
        path = jekyll.site_path(url, self.hosts)
        if path is not None:
            parsed = jekyll.parse_article_path(path)
            if parsed and parsed[1].strip("-") in {source.slug, source.name.slug}:
                # The old pipeline wrote the post's own URL (sometimes with the wrong date);
                # the site computes its own canonical URL.
                return ""
            resolution = self.index.resolve_path(path) if parsed else None
            if resolution is None:
                self._problem(
                    source, line, WARNING, "canonical_unresolved",
                    f"canonical_url {url} はサイト内のどの記事にも当たらないため使いませんでした。",
                )  # fmt: skip
                return ""
            return (self.config.url or "") + self.paths[resolution.key]
        if len(url) > 200 or not url.startswith(("http://", "https://")):
            self._problem(
                source, line, WARNING, "canonical_invalid",
                f"canonical_url「{url[:60]}」は URL として使えないため外しました。",
            )  # fmt: skip
            return ""
        return url

    def _image(self, source: Source, value, line) -> tuple[dict | None, bytes | None]:
        reference = _text(value)
        if not reference:
            return None, None
        path = jekyll.site_path(reference, self.hosts)
        if path is None and not reference.startswith(("http://", "https://")):
            path = "/" + reference
        if path is None:
            self._problem(
                source, line, WARNING, "image_external",
                f"画像 {reference} はサイト外の URL のため取り込みませんでした。",
            )  # fmt: skip
            self.report.counts["images_missing"] += 1
            return {"path": reference, "missing": True}, None
        file = (self.site_dir / PurePosixPath(unquote(path)).relative_to("/")).resolve()
        reason = None
        if not file.is_relative_to(self.site_dir):
            reason = "サイトのフォルダの外を指しています"
        elif not file.is_file():
            reason = "ファイルがありません"
        elif file.stat().st_size > MAX_IMAGE_BYTES:
            reason = "5MB を超えています"
        data = None if reason else file.read_bytes()
        if data is not None:
            reason = _image_problem(data)
        if reason:
            self._problem(
                source, line, WARNING, "image_missing",
                f"画像 {reference} を取り込めませんでした（{reason}）。OGP 画像は未設定です。",
            )  # fmt: skip
            self.report.counts["images_missing"] += 1
            return {"path": reference, "missing": True}, None
        return {"path": reference, "sha256": hashlib.sha256(data).hexdigest()}, data

    # -- writing one post --

    def _plan(self, source: Source) -> _Plan:
        """Read the file and decide whether the post must be written (see _write_planned)."""
        post = self.existing.by_source.get(source.rel)
        entry = {"file": source.rel, "url": source.path_on_site, "action": None, "post_id": None}
        self.report.posts.append(entry)
        plan = _Plan(source, entry, post)
        try:
            prepared = self.prepare(source)
        except (frontmatter.FrontMatterError, OSError) as exc:  # changed since the scan
            self._fail(source, entry, str(exc))
            return plan
        plan.prepared = prepared
        plan.digest = digest = prepared.digest()

        if post is not None:
            entry["post_id"] = post.pk
            self._pk_by_key[source.key] = post.pk
            if _edited_since_import(post):
                entry["action"] = "edited"
                self.report.counts["edited_skipped"] += 1
                if _import_meta(post).get("hash") != digest:
                    self._problem(
                        source, None, WARNING, "edited_since_import",
                        f"記事 ID {post.pk} は前回の取り込みの後に編集されているため、"
                        "ファイルの変更を反映しませんでした。",
                    )  # fmt: skip
                return plan
            if _import_meta(post).get("hash") == digest:
                entry["action"] = "unchanged"
                self.report.counts["unchanged"] += 1
                self._after_write(source, post.pk, prepared)
                return plan
        plan.write = True
        return plan

    def _write_planned(self, plan: _Plan) -> None:
        source, entry, post, prepared = plan.source, plan.entry, plan.post, plan.prepared
        checkpoint = self._checkpoint()
        try:
            with transaction.atomic():
                post = self._write(post, prepared, plan.digest, plan.prerendered())
        except ValidationError as exc:
            self._rollback_to(checkpoint)
            self._fail(source, entry, _validation_message(exc))
            return
        except Exception as exc:  # noqa: BLE001 - one bad post must not stop the migration
            self._rollback_to(checkpoint)
            self._fail(source, entry, f"保存できませんでした（{type(exc).__name__}: {exc}）。")
            return
        entry["post_id"] = post.pk
        entry["action"] = "updated" if source.rel in self.existing.by_source else "created"
        self.report.counts[entry["action"]] += 1
        self._pk_by_key[source.key] = post.pk
        self._after_write(source, post.pk, prepared)

    def _checkpoint(self) -> tuple:
        caches = (self._authors, self._categories, self._books, self._tags)
        return tuple(set(cache) for cache in caches), Counter(self.report.counts)

    def _rollback_to(self, checkpoint: tuple) -> None:
        """Forget what the failed post created: its savepoint took those rows with it."""
        keys, counts = checkpoint
        for cache, before in zip(
            (self._authors, self._categories, self._books, self._tags), keys, strict=True
        ):
            for key in set(cache) - before:
                del cache[key]
        self.report.counts = counts

    def _fail(self, source: Source, entry: dict, message: str) -> None:
        entry["action"] = "failed"
        self.report.counts["failed"] += 1
        self._problem(source, None, ERROR, "save_failed", message)

    def _after_write(self, source: Source, pk: int, prepared: Prepared) -> None:
        self._related_wanted[pk] = (source.rel, prepared.related_keys)
        for day, slug in old_url_forms(source):
            if not self.index.is_real_url(day, slug):
                self._want_redirect(jekyll.article_path(day, slug), pk, source.rel, "")

    def _write(
        self, post: Post | None, prepared: Prepared, digest: str, pre: PreRendered | None = None
    ) -> Post:
        creating = post is None
        if creating:
            post = Post(status=self.status)
            if prepared.empty_body or prepared.hidden_on_old_site:
                post.status = Post.Status.DRAFT
        else:
            post = Post.objects.get(pk=post.pk)  # the full row (the scan loaded a few columns)
        for name, value in prepared.fields.items():
            setattr(post, name, value)
        post.author = self._author(prepared.author_name)
        post.category = self._category(prepared.category) if prepared.category else None

        old_meta = _import_meta(post)
        image_sha = (prepared.image or {}).get("sha256")
        if image_sha and (old_meta.get("image_sha256") != image_sha or not post.ogp_image):
            if not self.dry_run:
                name = PurePosixPath(prepared.image["path"]).name
                post.ogp_image.save(name, ContentFile(prepared.image_bytes), save=False)
            self.report.counts["images_imported"] += 1

        extra = dict(post.extra) if isinstance(post.extra, dict) else {}
        extra["jekyll"] = prepared.extra_jekyll
        extra["import"] = {
            "source": prepared.source.rel,
            "hash": digest,
            # save() bumps the version of an existing post; a later run compares against this.
            "version": 1 if creating else post.version + 1,
            **({"image_sha256": image_sha} if image_sha else {}),
            **prepared.extra_import,
        }
        post.extra = extra
        # Field checks only (lengths, URL): the slug and the URL's uniqueness were settled by
        # the scan, and the author and category were just fetched.
        post.clean_fields(exclude=["ogp_image", "author", "category", "created_by"])
        if pre is not None:
            post.use_prerendered(pre)
        post.save()
        self._write_tags(post, prepared.tags, creating)
        self._write_books(post, prepared.books, creating)
        return post

    def _write_tags(self, post: Post, names: list[str], creating: bool) -> None:
        """`post.tags.set(names)` in two queries: taggit looks each tag up one by one, which
        was a third of the import's time."""
        wanted = []
        for name in names:
            tag = self._tags.get(name.casefold())
            if tag is None:
                tag = Tag.objects.create(name=name)  # taggit makes the (Unicode) slug unique
                self._tags[name.casefold()] = tag
            wanted.append(tag.pk)
        if not creating:
            current = set(
                TaggedPost.objects.filter(content_object=post).values_list("tag_id", flat=True)
            )
            if current == set(wanted):
                return
            TaggedPost.objects.filter(content_object=post).delete()
        TaggedPost.objects.bulk_create(TaggedPost(content_object=post, tag_id=pk) for pk in wanted)

    def _write_books(self, post: Post, items: list[jekyll.BookItem], creating: bool) -> None:
        if not creating:
            post.book_links.all().delete()
        links = []
        for position, item in enumerate(items):
            asin = normalize_asin(item.asin or "")
            book = self._books.get(asin)
            if book is None:
                book = AffiliateBook.objects.create(
                    asin=asin, title=item.title[:200], description=item.description
                )
                self._books[asin] = book
                self.report.counts["books_created"] += 1
            note = item.description[:200] if item.description != book.description else ""
            links.append(PostBook(post=post, book=book, position=position, note=note))
        PostBook.objects.bulk_create(links)
        self.report.counts["books_linked"] += len(links)

    def _author(self, name: str) -> Author:
        name = unicodedata.normalize("NFC", name).strip()
        if name in self._authors:
            return self._authors[name]
        author = Author.objects.filter(name=name).first()
        if author is None:
            slug = AUTHOR_SLUGS.get(name.removeprefix("ALLFORCES")) or AUTHOR_SLUGS.get(name)
            if not slug or Author.objects.filter(slug=slug).exists():
                base = slugify(name) or "author"
                slug = f"{base}-{hashlib.sha1(name.encode()).hexdigest()[:6]}"
            # Every byline of the old site is a team or the publisher, never a person.
            author = Author.objects.create(name=name, slug=slug, is_organization=True)
            self.report.counts["authors_created"] += 1
        self._authors[name] = author
        return author

    def _category(self, info: jekyll.CategoryInfo) -> Category:
        if info.slug in self._categories:
            return self._categories[info.slug]
        category = (
            Category.objects.filter(slug=info.slug).first()
            or Category.objects.filter(name=info.name).first()
        )
        if category is None:
            category = Category.objects.create(
                name=info.name,
                slug=info.slug,
                order=info.order,
                ogp_gradient_start=info.gradient_start,
                ogp_gradient_end=info.gradient_end,
                ogp_accent=info.accent,
            )
            self.report.counts["categories_created"] += 1
        self._categories[info.slug] = category
        return category

    # -- after all posts --

    def _write_related(self) -> None:
        current: dict[int, list[int]] = {}
        rows = RelatedPost.objects.filter(post_id__in=self._related_wanted).order_by(
            "post_id", "position", "pk"
        )
        for post_id, related_id in rows.values_list("post_id", "related_id"):
            current.setdefault(post_id, []).append(related_id)
        new_rows = []
        stale = []
        for pk, (rel, keys) in self._related_wanted.items():
            wanted = []
            for key in keys:
                target = self._pk_by_key.get(key) or (key[1] if key[0] == "pk" else None)
                if target is None:
                    self.report.problem(
                        rel, None, WARNING, "related_failed",
                        f"関連記事 {self.paths.get(key, key)} は取り込めなかったため外しました。",
                    )  # fmt: skip
                elif target != pk and target not in wanted:
                    wanted.append(target)
            self.report.counts["related_resolved"] += len(wanted)
            if current.get(pk, []) != wanted:
                stale.append(pk)
                new_rows.extend(
                    RelatedPost(post_id=pk, related_id=target, position=i)
                    for i, target in enumerate(wanted)
                )
        RelatedPost.objects.filter(post_id__in=stale).delete()
        RelatedPost.objects.bulk_create(new_rows)

    def _want_redirect(self, old_path: str, pk: int | None, rel: str, target_path: str) -> None:
        self._redirects_wanted.setdefault(old_path, (pk, target_path, rel))

    def _write_redirects(self, sources: list[Source]) -> None:
        for info in jekyll.SITE_CATEGORIES:
            # The old URLs redirect to the category's page, which must exist even while no
            # imported post is filed there yet (the old site had a page for each category).
            self._category(info)
            for old_path in info.dead_paths:
                self._want_redirect(old_path, None, f"カテゴリ「{info.name}」", info.path)
        existing = {
            r.old_path: r for r in Redirect.objects.filter(old_path__in=self._redirects_wanted)
        }
        new = []
        for old_path, (pk, target_path, rel) in sorted(self._redirects_wanted.items()):
            if pk is None and not target_path:
                # A post's own permalink: point it at the post once its pk is known.
                pk = self._pk_by_key.get(("file", rel))
                if pk is None:
                    continue
            redirect = existing.get(old_path)
            if redirect is not None:
                if (redirect.target_post_id, redirect.target_path) != (pk, target_path):
                    self.report.problem(
                        rel, None, INFO, "redirect_exists",
                        f"リダイレクト {old_path} はすでに別の転送先があるため変えていません。",
                    )  # fmt: skip
                continue
            new.append(Redirect(old_path=old_path, target_post_id=pk, target_path=target_path))
        Redirect.objects.bulk_create(new)
        self.report.counts["redirects"] += len(new)

    def _write_ctas(self) -> None:
        for slug, blocks in sorted(self._cta_candidates.items()):
            category = self._categories.get(slug)
            if category is None or CallToAction.objects.filter(category=category).exists():
                continue
            info = next(c for c in jekyll.SITE_CATEGORIES if c.slug == slug)
            block = _best_cta(blocks, info)
            if block is None:
                continue
            CallToAction.objects.create(
                category=category,
                heading=block.heading,
                text=block.text,
                link_label=block.link_label,
                url=block.url,
            )
            self.report.counts["ctas_created"] += 1


def _best_cta(
    blocks: list[jekyll.CallToActionBlock], info: jekyll.CategoryInfo
) -> jekyll.CallToActionBlock | None:
    """The category's own CTA (its utm_campaign) if any post had it, else the most common."""
    usable = [b for b in blocks if _cta_fits(b)]
    if not usable:
        return None
    own = [b for b in usable if b.campaign == info.campaign]
    pool = own or usable
    counts = Counter((b.heading, b.text, b.link_label, b.url) for b in pool)
    best = counts.most_common(1)[0][0]
    return next(b for b in pool if (b.heading, b.text, b.link_label, b.url) == best)


def _cta_fits(block: jekyll.CallToActionBlock) -> bool:
    if len(block.heading) > 100 or len(block.text) > 300 or len(block.link_label) > 50:
        return False
    try:
        validate_link_target(block.url)
    except ValidationError:
        return False
    return len(block.url) <= 500


# --- small helpers ---------------------------------------------------------------------------


def _text(value) -> str:
    if value is None:
        return ""
    return str(value).strip()


def _is_false(value) -> bool:
    return value is False or (isinstance(value, str) and value.strip().lower() in {"false", "no"})


def _author_name(value) -> str:
    if isinstance(value, dict):
        value = value.get("name")
    elif isinstance(value, list):
        value = value[0] if value else None
    return _text(value)


def _image_problem(data: bytes) -> str | None:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            fmt = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError):
        return "画像として読めません"
    if fmt not in ALLOWED_IMAGE_FORMATS:
        return f"形式 {fmt} は使えません"
    return None


def _validation_message(exc: ValidationError) -> str:
    if hasattr(exc, "message_dict"):
        parts = [f"{name}: {' '.join(messages)}" for name, messages in exc.message_dict.items()]
        return "保存できませんでした（" + " / ".join(parts) + "）。"
    return "保存できませんでした（" + " ".join(exc.messages) + "）。"


def import_jekyll_site(
    site_dir: Path | str,
    *,
    status: str = Post.Status.DRAFT,
    dry_run: bool = False,
    limit: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    jobs: int | None = None,
) -> ImportReport:
    """Import a Jekyll site folder; see the module docstring. Raises ImportAborted.

    `jobs`: processes rendering bodies beside this one (default: one per core; 1 renders
    here). Only runs of PARALLEL_FROM files or more use them."""
    importer = Importer(
        Path(site_dir), status=status, dry_run=dry_run, limit=limit, progress=progress, jobs=jobs
    )
    return importer.run()
