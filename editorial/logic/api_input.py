"""What the AI pipeline sends to `POST /api/v1/drafts`, checked and normalised without Django.

Every problem names its field (and, for a Jekyll file, its line) with a Japanese reason, and
all problems are reported at once so the pipeline can fix its request in one go. A body sent
as a whole Jekyll file is read by the importer's own code (`blog.logic.frontmatter`,
`blog.logic.jekyll`): front matter, footer blocks taken out as data, leftovers flagged.

Only the keys the request contains end up in `DraftInput.values`: on an update, a field the
pipeline leaves out keeps its current value (send "" or [] to clear it).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from blog.logic import frontmatter, jekyll
from blog.logic.asin import asin_error, normalize_asin
from blog.logic.urls import slug_error
from editorial.logic.draft import FORM_FIELD_LABELS

FORMATS = ("markdown", "jekyll")
TEXT_FIELDS = ("title", "body", "excerpt", "description", "slug")
FIELDS = frozenset(
    {
        "external_id",
        "format",
        *TEXT_FIELDS,
        "category",
        "tags",
        "author",
        "books",
        "related",
        "proposed_publish_at",
    }
)
MAX_LENGTHS = {
    "external_id": 200,
    "title": 200,
    "description": 300,
    "slug": 200,
    "category": 50,
    "author": 100,
}
MAX_TAG_LENGTH = 100
MAX_TAGS = 30
MAX_BOOKS = 20
MAX_RELATED = 20
LABELS = {
    "external_id": "external_id",
    "format": "形式（format）",
    **{name: FORM_FIELD_LABELS[name] for name in ("title", "body", "excerpt", "description")},
    **{name: FORM_FIELD_LABELS[name] for name in ("slug", "category", "tags", "books")},
    "author": "著者",
    "related": "関連記事",
    "proposed_publish_at": "公開希望日時",
}
# Front-matter keys that fill a field; every other key is kept in `jekyll` (as the importer
# keeps them in `extra["jekyll"]`).
MAPPED_FRONT_MATTER = frozenset(
    {"title", "date", "author", "tags", "excerpt", "description", "categories", "category"}
)
# Control characters break PostgreSQL (NUL) or hide text; tabs and line ends are fine.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Problem:
    field: str
    code: str
    message: str
    line: int | None = None

    def as_dict(self) -> dict:
        data = {"field": self.field, "code": self.code, "message": self.message}
        if self.line is not None:
            data["line"] = self.line
        return data


class InvalidInput(ValueError):
    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


@dataclass
class DraftInput:
    external_id: str
    # Only what the request provided: title, body, excerpt, description, slug (str);
    # category, author (slug or None); tags (list[str]); books (ASINs); related (ids or
    # URLs); proposed_publish_at (aware datetime or None).
    values: dict[str, Any] = field(default_factory=dict)
    # A byline from front matter is a display name, not a slug.
    author_name: str = ""
    # Front-matter keys with no field, and footer items that could not become data.
    jekyll: dict[str, Any] = field(default_factory=dict)
    # Keys of `values` read from the Jekyll file rather than sent as JSON: an unknown category
    # there is a warning, not an error.
    derived: set[str] = field(default_factory=set)
    warnings: list[Problem] = field(default_factory=list)


def parse_draft(payload: Any, *, tz_name: str) -> DraftInput:
    """Check a request body (parsed JSON); raises InvalidInput with every problem found."""
    if not isinstance(payload, dict):
        raise InvalidInput(
            [Problem("", "invalid_type", "リクエスト本文は JSON オブジェクトにしてください。")]
        )
    problems: list[Problem] = []
    for key in sorted(set(payload) - FIELDS):
        problems.append(
            Problem(
                str(key),
                "unknown_field",
                f"「{key}」という項目はありません（使える項目: {', '.join(sorted(FIELDS))}）。"
                + (
                    "状態は API からは変えられません。" if key in {"status", "published_at"} else ""
                ),
            )
        )

    external_id = _string(payload, "external_id", problems, required=True)
    fmt = payload.get("format", "markdown")
    if fmt not in FORMATS:
        problems.append(
            Problem("format", "invalid_choice", f"format は {' / '.join(FORMATS)} のどちらかです。")
        )
        fmt = "markdown"

    result = DraftInput(external_id=(external_id or "").strip())
    values = result.values
    for name in TEXT_FIELDS:
        if name in payload:
            text = _string(payload, name, problems, allow_empty=name not in {"title", "slug"})
            if text is not None:
                values[name] = text if name == "body" else text.strip()
    if "title" in values and "\n" in values["title"]:
        problems.append(Problem("title", "invalid_value", "タイトルは1行にしてください。"))
    if values.get("slug"):
        reason = slug_error(values["slug"])
        if reason:
            problems.append(Problem("slug", "invalid_value", reason))
    for name in ("category", "author"):
        if name in payload:
            value = payload[name]
            if value is None or value == "":
                values[name] = None
            else:
                text = _string(payload, name, problems)
                if text is not None:
                    values[name] = text.strip()
    if "tags" in payload:
        tags = _tags(payload["tags"], problems)
        if tags is not None:
            values["tags"] = tags
    if "books" in payload:
        books = _books(payload["books"], problems)
        if books is not None:
            values["books"] = books
    if "related" in payload:
        related = _related(payload["related"], problems)
        if related is not None:
            values["related"] = related
    if "proposed_publish_at" in payload:
        values["proposed_publish_at"] = _datetime(payload["proposed_publish_at"], problems)

    if fmt == "jekyll" and isinstance(values.get("body"), str):
        _read_jekyll(result, payload, tz_name, problems)
    elif "body" in values:
        values["body"] = _tidy_body(values["body"])

    if problems:
        raise InvalidInput(problems)
    return result


def required_for_create(draft: DraftInput) -> list[Problem]:
    """A new draft needs a title and a body (an update may send only what changed)."""
    return [
        Problem(name, "required", f"新しい下書きには{LABELS[name]}（{name}）が必要です。")
        for name in ("title", "body")
        if not draft.values.get(name)
    ]


def default_slug(external_id: str) -> str:
    """A slug when the request has none: from a Jekyll-style id (`2026-03-01-slug.md`) the part
    after the date, as the old site's URLs did; otherwise the id itself, slugified."""
    stem = external_id.rsplit("/", 1)[-1]
    name = jekyll.parse_post_name(stem if stem.endswith((".md", ".markdown")) else stem + ".md")
    slug = name.slug if name is not None else jekyll.jekyll_slugify(stem)
    slug = slug[:100].strip("-")
    return slug if slug and slug_error(slug) is None else ""


# --- pieces ----------------------------------------------------------------------------------


def _string(
    payload: dict,
    name: str,
    problems: list[Problem],
    *,
    required: bool = False,
    allow_empty: bool = True,
) -> str | None:
    label = LABELS[name]
    if name not in payload or payload[name] is None:
        if required:
            problems.append(Problem(name, "required", f"{label}（{name}）は必須です。"))
        elif name in payload:
            problems.append(
                Problem(name, "invalid_type", f"{label}（{name}）に null は使えません。")
            )
        return None
    value = payload[name]
    if not isinstance(value, str):
        problems.append(Problem(name, "invalid_type", f"{label}（{name}）は文字列にしてください。"))
        return None
    if not value.strip() and (required or not allow_empty):
        problems.append(Problem(name, "required", f"{label}（{name}）が空です。"))
        return None
    limit = MAX_LENGTHS.get(name)
    if limit is not None and len(value.strip()) > limit:
        problems.append(
            Problem(
                name,
                "too_long",
                f"{label}（{name}）は{limit}文字までです（{len(value.strip())}文字あります）。",
            )
        )
        return None
    bad = _CONTROL_RE.search(value)
    if bad:
        line = value.count("\n", 0, bad.start()) + 1
        problems.append(
            Problem(
                name,
                "invalid_characters",
                f"{label}（{name}）の{line}行目に制御文字 U+{ord(bad.group()):04X} があります。",
                line if name == "body" else None,
            )
        )
        return None
    return value


def _tags(value: Any, problems: list[Problem]) -> list[str] | None:
    if not isinstance(value, list):
        problems.append(
            Problem("tags", "invalid_type", "タグ（tags）は文字列の配列にしてください。")
        )
        return None
    if len(value) > MAX_TAGS:
        problems.append(Problem("tags", "too_many", f"タグは{MAX_TAGS}個までです。"))
        return None
    tags: list[str] = []
    seen: set[str] = set()
    for i, item in enumerate(value):
        where = f"tags[{i}]"
        if not isinstance(item, str) or not item.strip():
            problems.append(Problem(where, "invalid_value", f"{where} は空でない文字列にします。"))
            continue
        name = item.strip()
        if len(name) > MAX_TAG_LENGTH or "," in name or _CONTROL_RE.search(name):
            problems.append(
                Problem(
                    where,
                    "invalid_value",
                    f"{where}「{name[:30]}」は使えません（{MAX_TAG_LENGTH}文字まで、"
                    "カンマと制御文字は不可）。",
                )
            )
            continue
        if name.casefold() not in seen:
            seen.add(name.casefold())
            tags.append(name)
    return tags


def _books(value: Any, problems: list[Problem]) -> list[str] | None:
    if not isinstance(value, list):
        problems.append(
            Problem("books", "invalid_type", "書籍（books）は ASIN の文字列の配列にしてください。")
        )
        return None
    if len(value) > MAX_BOOKS:
        problems.append(Problem("books", "too_many", f"書籍は{MAX_BOOKS}冊までです。"))
        return None
    asins: list[str] = []
    for i, item in enumerate(value):
        where = f"books[{i}]"
        if not isinstance(item, str):
            problems.append(Problem(where, "invalid_type", f"{where} は ASIN の文字列にします。"))
            continue
        reason = asin_error(item)
        if reason:
            problems.append(Problem(where, "invalid_asin", f"{where}「{item}」: {reason}"))
            continue
        asin = normalize_asin(item)
        if asin in asins:
            problems.append(Problem(where, "duplicate", f"{where}: ASIN {asin} が2回あります。"))
            continue
        asins.append(asin)
    return asins


def _related(value: Any, problems: list[Problem]) -> list[int | str] | None:
    if not isinstance(value, list):
        problems.append(
            Problem(
                "related", "invalid_type", "関連記事（related）は記事 ID か URL の配列にします。"
            )
        )
        return None
    if len(value) > MAX_RELATED:
        problems.append(Problem("related", "too_many", f"関連記事は{MAX_RELATED}件までです。"))
        return None
    items: list[int | str] = []
    for i, item in enumerate(value):
        where = f"related[{i}]"
        if isinstance(item, bool) or not isinstance(item, int | str):
            problems.append(Problem(where, "invalid_type", f"{where} は記事 ID か URL にします。"))
        elif isinstance(item, int):
            if item <= 0:
                problems.append(Problem(where, "invalid_value", f"{where}: ID は正の整数です。"))
            else:
                items.append(item)
        elif not item.strip().startswith(("/", "http://", "https://")):
            problems.append(
                Problem(
                    where,
                    "invalid_value",
                    f"{where}「{item[:60]}」: URL は / か http(s):// で始めてください。",
                )
            )
        else:
            items.append(item.strip())
    return items


def _datetime(value: Any, problems: list[Problem]) -> dt.datetime | None:
    if value is None or value == "":
        return None
    example = "例: 2026-03-01T09:00:00+09:00"
    if not isinstance(value, str):
        problems.append(
            Problem(
                "proposed_publish_at", "invalid_type", f"日時は文字列にしてください（{example}）。"
            )
        )
        return None
    try:
        moment = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        problems.append(
            Problem(
                "proposed_publish_at",
                "invalid_value",
                f"公開希望日時「{value[:40]}」を日時として読めません（{example}）。",
            )
        )
        return None
    if moment.tzinfo is None:
        problems.append(
            Problem(
                "proposed_publish_at",
                "invalid_value",
                f"公開希望日時にはタイムゾーンを付けてください（{example}）。",
            )
        )
        return None
    return moment


def _tidy_body(body: str) -> str:
    # Stored without the blank lines files carry around the body, as the importer does.
    return body.strip("\n") + "\n" if body.strip() else ""


def _read_jekyll(result: DraftInput, payload: dict, tz_name: str, problems: list[Problem]) -> None:
    values = result.values
    try:
        document = frontmatter.parse_document(values["body"])
    except frontmatter.FrontMatterError as exc:
        problems.append(Problem("body", "invalid_front_matter", exc.reason, exc.line))
        return
    data = document.data
    offset = document.body_line - 1

    def at(key: str) -> int | None:
        return document.key_lines.get(key)

    def warn(code: str, message: str, line: int | None = None) -> None:
        result.warnings.append(Problem("body", code, message, line))

    for duplicate in document.duplicate_keys:
        warn(
            "duplicate_key",
            f"キー「{duplicate.key}」が {duplicate.first_line}行目と {duplicate.line}行目に"
            "あります。後の値を使いました。",
            duplicate.line,
        )
    # Values in the JSON take precedence over the file's front matter.
    for key in ("title", "excerpt", "description"):
        if key not in payload and data.get(key) is not None:
            text = str(data[key]).strip()
            limit = MAX_LENGTHS.get(key)
            if limit is not None and len(text) > limit:
                problems.append(
                    Problem(
                        "body",
                        "too_long",
                        f"front matter の {key} は{limit}文字までです（{len(text)}文字）。",
                        at(key),
                    )
                )
            else:
                values[key] = text
    if "proposed_publish_at" not in payload and data.get("date") is not None:
        try:
            values["proposed_publish_at"] = frontmatter.parse_date(data["date"], tz_name)
        except ValueError as exc:
            problems.append(Problem("body", "invalid_date", f"date: {exc}", at("date")))
    if "author" not in payload:
        author = data.get("author")
        if isinstance(author, dict):
            author = author.get("name")
        elif isinstance(author, list):
            author = author[0] if author else None
        result.author_name = str(author).strip() if author else ""
    if "category" not in payload:
        names = jekyll.as_name_list(data.get("categories")) + jekyll.as_name_list(
            data.get("category")
        )
        found = [info for info in map(jekyll.category_for, names) if info is not None]
        unknown = [name for name in names if jekyll.category_for(name) is None]
        if unknown:
            warn(
                "unknown_category",
                f"カテゴリ「{'」「'.join(unknown)}」はサイトのカテゴリに当たりません。",
                at("categories") or at("category"),
            )
        if len({info.slug for info in found}) > 1:
            warn(
                "several_categories",
                f"カテゴリが複数あります。最初の「{found[0].name}」にしました。",
                at("categories") or at("category"),
            )
        if found:
            values["category"] = found[0].slug
            result.derived.add("category")
    if "tags" not in payload and data.get("tags") is not None:
        tags = _tags(jekyll.as_name_list(data.get("tags")), problems)
        if tags is not None:
            values["tags"] = tags
    result.jekyll = {
        key: frontmatter.jsonable(value)
        for key, value in data.items()
        if key not in MAPPED_FRONT_MATTER
    }

    extracted = jekyll.extract_blocks(document.body)

    def file_line(body_line: int) -> int:
        return offset + extracted.line_map[body_line - 1]

    for problem in extracted.problems:
        warn(problem.code, problem.message, offset + problem.line)
    for marker in jekyll.content_markers(extracted.body):
        warn(marker.code, marker.message, file_line(marker.line))
    if "books" not in payload:
        values["books"] = []
        for book in extracted.books:
            if book.asin and asin_error(book.asin) is None and book.asin not in values["books"]:
                values["books"].append(normalize_asin(book.asin))
            elif not book.asin:
                result.jekyll.setdefault("books_without_asin", []).append(
                    {"title": book.title, "url": book.url}
                )
                warn(
                    "book_without_asin",
                    f"書籍「{book.title}」のリンクに ASIN がないため、記事に紐付けませんでした。",
                    offset + book.line,
                )
    if "related" not in payload:
        values["related"] = [link.url for link in extracted.related][:MAX_RELATED]
        result.derived.add("related")
    if "books" not in payload:
        result.derived.add("books")
    if extracted.ctas:
        first = extracted.ctas[0]
        result.jekyll["cta"] = {
            "heading": first.heading,
            "text": first.text,
            "link_label": first.link_label,
            "url": first.url,
        }
    values["body"] = _tidy_body(extracted.body)
