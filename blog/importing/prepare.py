"""Reading one post file into what the post gets: field values, author, category, tags, books,
related posts, the image, and everything else kept in `extra`. Footer blocks become data and
links to old URL forms are rewritten (the rules are in `blog.logic.jekyll`). Nothing is written
here: the run compares the result with the database (`Prepared.digest`) and writes it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Hashable
from dataclasses import dataclass

from blog.importing.references import References
from blog.importing.report import INFO, WARNING
from blog.importing.scan import Source, as_text, published_at
from blog.logic import frontmatter, jekyll
from blog.logic.site_facts import CategoryInfo

# Bump when the import's output for the same file changes, so a new run updates the posts.
IMPORTER_VERSION = 1
DEFAULT_AUTHOR = "ALLFORCES編集部"

# Front-matter keys whose whole value lives in a model field; every other key is kept verbatim
# in `extra["jekyll"]` (categories, image, sitemap, robots, canonical_url, reading_time, ...).
MAPPED_KEYS = frozenset({"title", "date", "author", "tags", "excerpt", "description"})


@dataclass
class Prepared:
    """Everything a post gets from its file, ready to compare with and write to the database."""

    source: Source
    fields: dict
    author_name: str
    category: CategoryInfo | None
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
    # The post's own `permalink:` on the old site, to redirect once the post exists.
    old_permalink: str | None = None

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


class Preparer(References):
    """Reads post files for one run into `Prepared` posts."""

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
        _, date_from_name = published_at(document, source.name, self.config)
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
        title = as_text(data.get("title"))
        if not title:
            title = source.name.stem.replace("-", " ").strip() or source.slug
            self._problem(
                source, at("title"), WARNING, "title_missing",
                f"title がないため、ファイル名から「{title}」としました。",
            )  # fmt: skip
        title = self._fit(source, "title", title, 200, at("title"), extra_jekyll, data)
        description = self._fit(
            source, "description", as_text(data.get("description")), 300, at("description"),
            extra_jekyll, data,
        )  # fmt: skip
        excerpt = as_text(data.get("excerpt"))

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

        noindex = _is_false(data.get("sitemap")) or "noindex" in as_text(data.get("robots")).lower()
        canonical = self._canonical(source, data.get("canonical_url"), at("canonical_url"))
        image, image_bytes = self._image(source, data.get("image"), at("image"))

        hidden = _is_false(data.get("published"))
        if hidden:
            self._problem(
                source, at("published"), INFO, "unpublished_on_old_site",
                "published: false の記事（旧サイトでも非公開）のため下書きとして取り込みました。",
            )  # fmt: skip
        old_permalink = None
        if data.get("permalink"):
            self._problem(
                source, at("permalink"), WARNING, "own_permalink",
                f"記事ごとの permalink「{data['permalink']}」は使わず、日付とスラッグの URL に"
                "しました"
                "（元の URL からはリダイレクトします）。",
            )  # fmt: skip
            path = jekyll.site_path(str(data["permalink"]), self.hosts) or ""
            if path.startswith("/") and path != source.path_on_site:
                old_permalink = path

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
            old_permalink=old_permalink,
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

    def _category_from(self, source, data, at) -> CategoryInfo | None:
        names = jekyll.as_name_list(data.get("categories")) + jekyll.as_name_list(
            data.get("category")
        )
        found: list[CategoryInfo] = []
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


def _is_false(value) -> bool:
    return value is False or (isinstance(value, str) and value.strip().lower() in {"false", "no"})


def _author_name(value) -> str:
    if isinstance(value, dict):
        value = value.get("name")
    elif isinstance(value, list):
        value = value[0] if value else None
    return as_text(value)
