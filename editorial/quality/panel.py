"""The findings panel on a post's admin page: findings grouped by severity, each linking to
its place in the body, with one-click fixes; also the rows the desk shows while typing."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from blog.models import Post, PostStatus
from editorial import workflow
from editorial.logic.checks import describe
from editorial.logic.draft import ERROR, FIELD_LABELS, INFO, SEVERITY_LABELS, WARNING, Finding
from editorial.quality import checking

SEVERITY_ORDER = (ERROR, WARNING, INFO)


def position(post_body: str, offset: int | None) -> tuple[int, int] | None:
    """1-based line and 0-based column (in characters) of an offset in the body, for the
    script that selects the place in the textarea."""
    if offset is None:
        return None
    before = post_body[:offset]
    line = before.count("\n") + 1
    column = len(before) - (before.rfind("\n") + 1)
    return line, column


def finding_rows(post: Post, findings: list[Finding], body: str) -> list[dict]:
    config = checking.load_config()
    rows = []
    for found in findings:
        start = end = None
        if found.field == "body" and found.start is not None:
            start = position(body, found.start)
            end = position(body, found.end if found.end is not None else found.start)
        elif found.field == "body" and found.line:
            start, end = (found.line, 0), (found.end_line or found.line, 0)
        rows.append(
            {
                "finding": found,
                "label": describe(found.code, config).label,
                "field_label": FIELD_LABELS.get(found.field, found.field),
                "start": start,
                "end": end,
                "refs": [
                    {
                        "title": ref.title,
                        "url": reverse("admin:blog_post_change", args=[ref.id]) if ref.id else "",
                        "status": PostStatus(ref.status).label if ref.status else "",
                    }
                    for ref in found.refs
                ],
            }
        )
    return rows


def panel_context(request, post: Post, findings: list[Finding], *, preview: bool = False) -> dict:
    rows = finding_rows(post, findings, post.body or "")
    groups = []
    for severity in SEVERITY_ORDER:
        members = [row for row in rows if row["finding"].severity == severity]
        groups.append({"severity": severity, "label": SEVERITY_LABELS[severity], "rows": members})
    return {
        "post": post,
        "groups": groups,
        "total": len(findings),
        "block_reason": checking.publish_block_reason(findings),
        "can_fix": not preview and workflow.can_edit(request.user, post),
        "preview": preview,
        "fix_url": reverse("editorial_quality:post_fix", args=[post.pk]),
        "preview_url": reverse("editorial_quality:post_preview", args=[post.pk]),
        "dashboard_url": reverse("editorial_quality:dashboard"),
        "checked_at": timezone.now(),
    }


def findings_for(request, post: Post) -> list[Finding]:
    """The post's findings, computed once per request and stored for the quality page."""
    cache = request.__dict__.setdefault("_quality_findings", {})
    if post.pk not in cache:
        fresh = checking.posts_for_checking(Post.objects.filter(pk=post.pk)).get()
        cache[post.pk] = checking.check_post(fresh)
        checking.store_report(fresh, cache[post.pk])
    return cache[post.pk]


def render_panel(request, post: Post, findings: list[Finding] | None = None) -> str:
    findings = findings if findings is not None else findings_for(request, post)
    return render_to_string(
        "admin/editorial/quality/_panel.html", panel_context(request, post, findings), request
    )
