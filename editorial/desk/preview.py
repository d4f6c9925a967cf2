"""The desk's live preview: counters and findings for the text in the post form (not yet
saved) and one-click fixes applied to that text. Nothing here saves a post."""

from __future__ import annotations

from dataclasses import dataclass

from taggit.utils import parse_tags

from blog.logic.reading_time import reading_minutes
from blog.logic.rendering import Rendered, render_markdown
from blog.models import ArticleImage, Category, Post
from editorial.logic.checks import apply_fixes, run_checks
from editorial.logic.counters import count
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
from editorial.quality import checking
from editorial.quality.panel import finding_rows


def lf(value: str) -> str:
    # Browsers send CRLF line breaks; stored text, offsets and line numbers use LF.
    return value.replace("\r\n", "\n").replace("\r", "\n")


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
        texts = {name: lf(data[name]) for name in TEXT_FIELDS if name in data}
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
    return render_markdown(body, images=ArticleImage.objects.lookup_for(body))


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
    config = checking.load_config()
    context = checking.site_context(config)
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
    rows = finding_rows(post, findings, body)
    counts = {severity: 0 for severity in (ERROR, WARNING, INFO)}
    for found in findings:
        counts[found.severity] = counts.get(found.severity, 0) + 1
    result.update(
        {
            "html": rendered.html,
            "counters": _counters(draft, rendered, config),
            "findings": [_finding_json(row) for row in rows],
            "summary": counts,
            "block_reason": checking.publish_block_reason(findings),
        }
    )
    return result
