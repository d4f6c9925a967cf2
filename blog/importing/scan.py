"""The first pass: read `_config.yml` and every post file's front matter, give each file its URL
(settling collisions the way the old site did) and index every post for link resolution.
Bodies are read again, one post at a time, by `blog.importing.prepare`."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Hashable
from dataclasses import dataclass
from pathlib import Path

from blog.importing.report import ERROR, WARNING, ImportAborted, ImportReport
from blog.logic import frontmatter, jekyll
from blog.logic.urls import SLUG_FORBIDDEN, article_path, slug_error
from blog.models import Post


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
        return article_path(self.url_date, self.slug)


def relative(path: Path, root: Path) -> str:
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
    return sorted(files, key=lambda p: relative(p, site_dir))


def scan_file(path: Path, site_dir: Path, config: jekyll.SiteConfig, report: ImportReport):
    """First pass over one file: its URL inputs, or None (reported) when it cannot be a post."""
    rel = relative(path, site_dir)
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
    published, _ = published_at(document, name, config)
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
        title=as_text(document.data.get("title")),
    )


def published_at(
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
        source = import_meta(post).get("source")
        if source:
            by_source[source] = post
    return Existing(by_source=by_source, urls=urls, titles=titles)


def import_meta(post: Post) -> dict:
    meta = (post.extra or {}).get("import") if isinstance(post.extra, dict) else None
    return meta if isinstance(meta, dict) else {}


def edited_since_import(post: Post) -> bool:
    return post.version != import_meta(post).get("version")


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
        if post is not None and edited_since_import(post) and post.url_date is not None:
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
        wanted = article_path(source.tokyo_date, source.name.slug)
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
            paths[("pk", pk)] = article_path(day, slug)
    return index, paths


def as_text(value) -> str:
    if value is None:
        return ""
    return str(value).strip()
