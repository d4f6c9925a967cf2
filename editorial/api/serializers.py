"""Posts, findings and proposals as the API's JSON (the shapes in openapi.py)."""

import dataclasses
import datetime as dt
from collections import Counter

from django.conf import settings
from django.urls import reverse

from blog.models import Post
from editorial import gate
from editorial.models import RevisionProposal
from editorial.workflow import is_scheduled


def iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _plain(value):
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


def finding(item) -> dict:
    """Whatever fields a finding has (the quality engine adds line, field, fix, ...)."""
    if dataclasses.is_dataclass(item):
        data = {f.name: getattr(item, f.name) for f in dataclasses.fields(item)}
    else:
        data = dict(vars(item))
    return _plain(data)


def findings(post: Post) -> dict:
    items = [finding(f) for f in gate.evaluate(post)]
    counts = Counter(item.get("severity") for item in items)
    return {
        "findings": items,
        "findings_summary": {
            "error": counts[gate.ERROR],
            "warning": counts[gate.WARNING],
            "info": counts[gate.INFO],
            "total": len(items),
        },
    }


def admin_url(post: Post) -> str:
    return settings.SITE_URL + reverse("admin:blog_post_change", args=[post.pk])


def public_url(post: Post) -> str | None:
    return settings.SITE_URL + post.get_absolute_url() if post.is_public() else None


def status_of(post: Post) -> str:
    # "scheduled" is published-with-a-future-time: not public yet, so say so.
    return "scheduled" if is_scheduled(post) else post.status


def external_id(post: Post) -> str | None:
    try:
        return post.external_draft.external_id
    except Post.external_draft.RelatedObjectDoesNotExist:
        return None


def post_summary(post: Post) -> dict:
    return {
        "id": post.pk,
        "external_id": external_id(post),
        "title": post.title,
        "slug": post.slug,
        "status": status_of(post),
        "status_label": "予約" if is_scheduled(post) else post.get_status_display(),
        "version": post.version,
        "url": public_url(post),
        "admin_url": admin_url(post),
        "published_at": iso(post.published_at),
        "category": post.category.slug if post.category_id else None,
        "author": post.author.slug,
        "tags": sorted(tag.name for tag in post.tags.all()),
        "created_at": iso(post.created_at),
        "updated_at": iso(post.updated_at),
    }


def proposal(item: RevisionProposal) -> dict:
    return {
        "id": item.pk,
        "reason": item.reason,
        "reason_label": item.get_reason_display(),
        "status": item.status,
        "base_version": item.base_version,
        "created_at": iso(item.created_at),
        "admin_url": settings.SITE_URL
        + reverse("admin:editorial_revisionproposal_change", args=[item.pk]),
    }


def draft_detail(post: Post) -> dict:
    data = post_summary(post)
    api_extra = post.extra.get("api", {}) if isinstance(post.extra, dict) else {}
    data.update(
        {
            "excerpt": post.excerpt,
            "description": post.description,
            "body": post.body,
            "books": list(
                post.book_links.order_by("position", "pk").values_list("book__asin", flat=True)
            ),
            "related": list(
                post.related_links.order_by("position", "pk").values_list("related_id", flat=True)
            ),
            "proposed_publish_at": api_extra.get("proposed_publish_at"),
            "pending_proposals": [
                proposal(p)
                for p in post.proposals.filter(status=RevisionProposal.Status.PENDING).order_by(
                    "created_at", "pk"
                )
            ],
        }
    )
    return data
