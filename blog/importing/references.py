"""What a post file points at, resolved for the run: other posts (links in the body, the
related articles, the canonical URL) through the run's index of URLs, books by ASIN, and the
OGP image inside the site folder. Problems go to the run's report."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable, Hashable
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

from blog.importing.report import WARNING, ImportReport
from blog.importing.scan import Source, as_text
from blog.logic import jekyll
from blog.logic.asin import asin_error, normalize_asin
from blog.validators import ALLOWED_IMAGE_FORMATS, MAX_IMAGE_BYTES


class References:
    def __init__(
        self,
        *,
        site_dir: Path,
        config: jekyll.SiteConfig,
        report: ImportReport,
        index: jekyll.LinkIndex,
        paths: dict[Hashable, str],
    ) -> None:
        self.site_dir = site_dir
        self.config = config
        self.hosts = jekyll.site_hosts(config.url)
        self.report = report
        self.index = index
        self.paths = paths

    def _problem(self, source: Source, line, level, code, message) -> None:
        self.report.problem(source.rel, line, level, code, message)

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
                    wanted.append(("stem", str(ref), as_text(title), None))
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
        url = as_text(value)
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
        reference = as_text(value)
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
