"""The editor's desk behind the post page: the live preview with counters and findings for the
text in the form (not yet saved), one-click fixes applied to that text, the autosave slot, and
the book picker's search and quick add. The admin views in `admin_desk.py` call these.

Nothing here saves a post: the preview and fixes work on the posted text and return it; the
autosave slot is a separate row that only its owner sees.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from taggit.utils import parse_tags

from blog.images import lookup_for
from blog.logic.asin import asin_error, normalize_asin
from blog.logic.reading_time import reading_minutes
from blog.logic.rendering import Rendered, render_markdown
from blog.models import AffiliateBook, Category, Post
from editorial import quality
from editorial.admin_quality import _finding_rows
from editorial.logic.checks import apply_fixes, run_checks
from editorial.logic.counters import count
from editorial.logic.diff import side_by_side
from editorial.logic.draft import (
    ERROR,
    INFO,
    SEVERITY_LABELS,
    TEXT_FIELDS,
    WARNING,
    Book,
    Config,
    Draft,
    Finding,
)
from editorial.models import AutosaveSlot

# What the autosave slot keeps: the fields an editor types into (not files, not the status).
AUTOSAVE_FIELDS = (*TEXT_FIELDS, "tags", "category", "reading_time_override")
AUTOSAVE_LABELS = {
    "title": "タイトル",
    "slug": "スラッグ",
    "excerpt": "リード文",
    "description": "メタディスクリプション",
    "body": "本文",
    "tags": "タグ",
    "category": "カテゴリ",
    "reading_time_override": "読了時間の上書き",
}
MAX_FIELD_CHARS = 1_000_000


def _lf(value: str) -> str:
    # Browsers send CRLF line breaks; stored text, offsets and line numbers use LF.
    return value.replace("\r\n", "\n").replace("\r", "\n")


# --- the live preview -------------------------------------------------------------------------


@dataclass
class FormInput:
    """The post page's fields as posted (unsaved), with the stored post for what is missing."""

    texts: dict[str, str]
    tags: tuple[str, ...] | None = None
    category_id: int | None = None
    category_given: bool = False
    reading_time_override: int | None = None

    @classmethod
    def from_post_data(cls, data) -> FormInput:
        texts = {name: _lf(data[name]) for name in TEXT_FIELDS if name in data}
        tags = tuple(parse_tags(data["tags"])) if "tags" in data else None
        category = data.get("category", "")
        override = data.get("reading_time_override", "")
        return cls(
            texts=texts,
            tags=tags,
            category_id=int(category) if category.isdigit() else None,
            category_given="category" in data,
            reading_time_override=int(override) if override.isdigit() else None,
        )


def render_body(body: str) -> Rendered:
    """The body as the public page renders it, uploaded images' renditions included."""
    return render_markdown(body, images=lookup_for(body))


def build_draft(post: Post | None, form: FormInput, rendered: Rendered) -> Draft:
    """The Draft the quality checks see for the form's text (stored values fill the gaps)."""
    values = {name: (getattr(post, name) or "") if post else "" for name in TEXT_FIELDS}
    values.update(form.texts)
    if form.category_given:
        category = (
            Category.objects.filter(pk=form.category_id).values_list("name", flat=True).first()
        )
    else:
        category = post.category.name if post and post.category_id else None
    if form.tags is not None:
        tags = form.tags
    else:
        tags = tuple(tag.name for tag in post.tags.all()) if post else ()
    extra = {}
    if post is not None:
        extra = {
            "books": tuple(Book(link.book.asin, link.book.title) for link in post.book_links.all()),
            "published_at": post.published_at,
            "post_id": post.pk,
            "status": post.status,
            "path": post.public_path or "",
        }
    return Draft(
        **values,
        text=rendered.text,
        html=rendered.html,
        tags=tags,
        category=category or "",
        reading_time=reading_minutes(rendered.text),
        reading_time_override=form.reading_time_override,
        **extra,
    )


def _finding_json(row: dict) -> dict:
    found: Finding = row["finding"]
    return {
        "code": found.code,
        "severity": found.severity,
        "severity_label": SEVERITY_LABELS.get(found.severity, found.severity),
        "label": row["label"],
        "message": found.message,
        "field": found.field,
        "field_label": row["field_label"],
        "line": row["start"][0] if row["start"] else None,
        "col": row["start"][1] if row["start"] else None,
        "end_line": row["end"][0] if row["end"] else None,
        "end_col": row["end"][1] if row["end"] else None,
        "excerpt": found.excerpt,
        "fingerprint": found.fingerprint,
        "fix": found.fix.label if found.fix else None,
        "refs": row["refs"],
    }


def _counters(draft: Draft, rendered: Rendered, config: Config) -> dict:
    return count(
        text=rendered.text,
        heading_levels=[entry.level for entry in rendered.toc],
        reading_minutes=draft.reading_time or 1,
        reading_minutes_override=draft.reading_time_override,
        fields={
            "title": (draft.title, config.title_length),
            "excerpt": (draft.excerpt, config.excerpt_length),
            "description": (draft.description, config.description_length),
        },
    ).to_dict()


def analyse(post: Post | None, form: FormInput, *, fix: str = "") -> dict:
    """Preview HTML, counters and findings for the form's text; with `fix` (a finding's
    fingerprint), that finding's fix applied to the text first (returned in `fields`)."""
    config = quality.load_config()
    context = quality.site_context(config)
    body = form.texts.get("body", post.body if post else "")
    rendered = render_body(body)
    draft = build_draft(post, form, rendered)
    findings = run_checks(draft, config, context)
    result: dict = {}
    if fix:
        target = next((f for f in findings if f.fingerprint == fix and f.fix), None)
        if target is None:
            result["error"] = (
                "この指摘はもう当てはまりません（入力が変わったか、すでに直っています）。"
            )
        elif target.fix.field not in TEXT_FIELDS:
            result["error"] = "この修正は保存後に記事の画面から適用してください。"
        else:
            field = target.fix.field
            texts, applied = apply_fixes({field: draft.field_text(field)}, [target.fix])
            if not applied:
                result["error"] = (
                    "この修正は、ほかの箇所と重なるか、唯一の文章を消してしまうため適用できません。"
                )
            else:
                form.texts[field] = texts[field]
                result["fields"] = {field: texts[field]}
                result["applied"] = target.fix.label
                if field == "body":
                    body = texts[field]
                    rendered = render_body(body)
                draft = build_draft(post, form, rendered)
                findings = run_checks(draft, config, context)
    rows = _finding_rows(post, findings, body)
    counts = {severity: 0 for severity in (ERROR, WARNING, INFO)}
    for found in findings:
        counts[found.severity] = counts.get(found.severity, 0) + 1
    result.update(
        {
            "html": rendered.html,
            "counters": _counters(draft, rendered, config),
            "findings": [_finding_json(row) for row in rows],
            "summary": counts,
            "block_reason": quality.publish_block_reason(findings),
        }
    )
    return result


# --- autosave ---------------------------------------------------------------------------------


def autosave_data(data) -> dict[str, str]:
    return {name: _lf(data[name])[:MAX_FIELD_CHARS] for name in AUTOSAVE_FIELDS if name in data}


def save_slot(user, post: Post | None, data, base_version: int | None) -> AutosaveSlot:
    """Keep the form's content in the user's slot for this post (or for their new post)."""
    values = {"data": autosave_data(data), "base_version": base_version, "saved_at": timezone.now()}
    for _attempt in range(2):
        try:
            with transaction.atomic():
                slot, _ = AutosaveSlot.objects.update_or_create(
                    user=user, post=post, defaults=values
                )
            return slot
        except IntegrityError:  # the timer and the page-leave beacon raced to create it
            continue
    return AutosaveSlot.objects.get(user=user, post=post)


def slot_token(slot: AutosaveSlot) -> str:
    """Identifies what a slot holds, so a patch is applied only to the text it was made from."""
    return slot.saved_at.isoformat()


class PatchRefused(ValueError):
    pass


def _splice(base: str, patch: dict) -> str:
    """Apply {start, end, text, length} counted in UTF-16 code units, as JavaScript counts."""
    units = base.encode("utf-16-le", "surrogatepass")
    try:
        start, end, length = int(patch["start"]), int(patch["end"]), int(patch["length"])
        text = str(patch["text"])
    except (KeyError, TypeError, ValueError):
        raise PatchRefused("malformed patch") from None
    if len(units) // 2 != length or not 0 <= start <= end <= length:
        raise PatchRefused("the patch was made from other text")
    spliced = units[: 2 * start] + text.encode("utf-16-le", "surrogatepass") + units[2 * end :]
    return spliced.decode("utf-16-le", "surrogatepass")


@transaction.atomic
def patch_slot(user, post: Post | None, data, base_version: int | None) -> AutosaveSlot:
    """Apply the changes typed since the last autosave to the slot (what the page sends as it
    closes: browsers deliver at most 64 KB then, less than a long article). `base` must name
    what the slot holds now; raises PatchRefused otherwise and saves nothing."""
    slot = AutosaveSlot.objects.select_for_update().filter(user=user, post=post).first()
    if slot is None or data.get("base") != slot_token(slot):
        raise PatchRefused("the slot changed since the page last saved it")
    values = dict(slot.data)
    for name in AUTOSAVE_FIELDS:
        raw = data.get(f"patch-{name}")
        if raw is None:
            continue
        try:
            patch = json.loads(raw)
        except ValueError:
            raise PatchRefused("malformed patch") from None
        values[name] = _splice(values.get(name, ""), patch)[:MAX_FIELD_CHARS]
    slot.data = values
    slot.base_version = base_version if base_version is not None else slot.base_version
    slot.saved_at = timezone.now()
    slot.save()
    return slot


def discard_slot(user, post: Post | None) -> None:
    AutosaveSlot.objects.filter(user=user, post=post).delete()


def _stored_values(post: Post | None) -> dict[str, str]:
    if post is None:
        return dict.fromkeys(AUTOSAVE_FIELDS, "")
    values = {name: getattr(post, name) or "" for name in TEXT_FIELDS}
    values["tags"] = ", ".join(sorted(post.tags.names()))
    values["category"] = str(post.category_id or "")
    values["reading_time_override"] = str(post.reading_time_override or "")
    return values


def _same(name: str, saved: str, stored: str) -> bool:
    if name == "tags":
        return sorted(parse_tags(saved)) == sorted(parse_tags(stored))
    return _lf(saved).strip() == _lf(stored).strip()


@dataclass
class AutosaveOffer:
    slot: AutosaveSlot
    saved_at: datetime
    changes: list[tuple[str, str, list]]  # (field, label, diff rows)
    stale: bool  # the post was saved after the editor started the autosaved edit
    current_version: int | None

    @property
    def data(self) -> dict:
        """What the page puts back into the form; `labels` names the chosen category, since
        the category's autocomplete only has the option it currently shows."""
        labels = {"category": _category_label(self.slot.data.get("category", ""))}
        return {"fields": self.slot.data, "labels": labels}


def autosave_offer(user, post: Post | None) -> AutosaveOffer | None:
    """What the user's slot holds that the post does not, with a diff per field; None when
    nothing differs (the slot is then removed, there is nothing to restore)."""
    slot = AutosaveSlot.objects.filter(user=user, post=post).first()
    if slot is None:
        return None
    stored = _stored_values(post)
    changes = []
    for name in AUTOSAVE_FIELDS:
        if name not in slot.data or _same(name, slot.data[name], stored.get(name, "")):
            continue
        old, new = stored.get(name, ""), slot.data[name]
        if name == "category":
            old, new = _category_label(old), _category_label(new)
        changes.append((name, AUTOSAVE_LABELS[name], side_by_side(_lf(old), _lf(new))))
    if not changes:
        slot.delete()
        return None
    return AutosaveOffer(
        slot=slot,
        saved_at=slot.saved_at,
        changes=changes,
        stale=post is not None and slot.base_version not in (None, post.version),
        current_version=post.version if post else None,
    )


def _category_label(value: str) -> str:
    if not value.isdigit():
        return ""
    return Category.objects.filter(pk=int(value)).values_list("name", flat=True).first() or ""


# --- the book picker --------------------------------------------------------------------------


def book_json(book: AffiliateBook) -> dict:
    return {
        "id": book.pk,
        "title": book.title,
        "asin": book.asin,
        "description": book.description,
        "is_active": book.is_active,
        "text": str(book),
    }


def search_books(query: str, *, limit: int = 20) -> list[dict]:
    """Books whose title contains the query or whose ASIN starts with it."""
    query = query.strip()
    if not query:
        return []
    books = AffiliateBook.objects.filter(
        Q(title__icontains=query) | Q(asin__startswith=normalize_asin(query))
    ).order_by("-is_active", "title")[:limit]
    return [book_json(book) for book in books]


class BookError(ValueError):
    def __init__(self, errors: dict[str, str]):
        super().__init__(errors)
        self.errors = errors


def add_book(asin: str, title: str, description: str = "") -> tuple[AffiliateBook, bool]:
    """Register a book by ASIN (or return the one already registered); raises BookError with
    a message per field."""
    asin = normalize_asin(asin)
    errors = {}
    problem = asin_error(asin)
    if problem:
        errors["asin"] = problem
    existing = AffiliateBook.objects.filter(asin=asin).first() if not problem else None
    if existing is not None:
        return existing, False
    title = title.strip()
    if not title:
        errors["title"] = "書名を入力してください。"
    elif len(title) > 200:
        errors["title"] = f"書名は200文字までです（{len(title)}文字）。"
    if errors:
        raise BookError(errors)
    try:
        with transaction.atomic():
            book = AffiliateBook.objects.create(
                asin=asin, title=title, description=description.strip()
            )
    except IntegrityError:  # registered by someone else a moment ago
        return AffiliateBook.objects.get(asin=asin), False
    return book, True
