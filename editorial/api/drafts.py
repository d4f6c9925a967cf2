"""Create or update a draft from the pipeline: idempotent, and never over a person's work.

- The pipeline names each draft with its own `external_id`; (user, external_id) is unique in
  the database, so a retry, even one racing the original request, finds the same post. The
  loser of a race gets an IntegrityError, rolls back and runs again as an update (which then
  finds nothing to change).
- After each write the post's version and a digest of its content are recorded. If the
  content changed since without the pipeline (an editor saved it: the version moved and the
  digest differs; a workflow transition moves only the version), or the post has left the
  draft states, the new content is kept as a `RevisionProposal` and the post is left alone.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from blog.logic import jekyll
from blog.logic.site_facts import AUTHOR_SLUGS
from blog.models import AffiliateBook, Author, Category, Post, PostStatus, Redirect
from editorial import workflow
from editorial.api import serializers
from editorial.logic.api_input import DraftInput, InvalidInput, Problem, default_slug
from editorial.logic.api_input import required_for_create as missing_for_create
from editorial.models import ExternalDraft, RevisionProposal
from editorial.revisions import apply_snapshot, ensure_baseline, record_revision, snapshot

EDITABLE_STATES = frozenset({PostStatus.DRAFT, PostStatus.CHANGES_REQUESTED})


@dataclass
class Outcome:
    post: Post
    result: str  # created, updated, unchanged, proposal
    proposal: RevisionProposal | None = None
    proposal_created: bool = False
    warnings: list[Problem] = field(default_factory=list)
    # For a proposal: the findings of the proposed content (the post itself is unchanged).
    findings: dict | None = None


def digest(data) -> str:
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def save_draft(draft: DraftInput, *, user, token_name: str = "") -> Outcome:
    for attempt in range(3):
        try:
            with transaction.atomic():
                link = (
                    ExternalDraft.objects.select_for_update()
                    .filter(user=user, external_id=draft.external_id)
                    .first()
                )
                if link is None:
                    return _create(draft, user, token_name)
                return _update(link, draft, user, token_name)
        except IntegrityError:
            # A concurrent request with the same id created the post first: run again as an
            # update of that post. Any other integrity problem is a bug, not a race.
            exists = ExternalDraft.objects.filter(user=user, external_id=draft.external_id).exists()
            if attempt == 2 or not exists:
                raise
    raise AssertionError("unreachable")


# --- create ----------------------------------------------------------------------------------

EMPTY = {
    "title": "",
    "slug": "",
    "excerpt": "",
    "description": "",
    "body": "",
    "canonical_url": "",
    "noindex": False,
    "reading_time_override": None,
    "category_id": None,
    "author_id": None,
    "tags": [],
    "books": [],
    "related": [],
    "ogp_image": "",
}


def _create(draft: DraftInput, user, token_name: str) -> Outcome:
    if not user.has_perm("blog.add_post"):
        raise PermissionDenied("記事を作成する権限がありません。")
    problems = missing_for_create(draft)
    target, api_extra, warnings = resolve(draft, user, EMPTY, {}, problems, creating=True)
    post = Post(status=PostStatus.DRAFT, created_by=user, extra={"api": api_extra})
    apply_snapshot(post, target)
    record_revision(post, by=user, note=_note("作成", token_name))
    ExternalDraft.objects.create(
        user=user,
        external_id=draft.external_id,
        post=post,
        written_version=post.version,
        written_digest=digest(snapshot(post)),
    )
    return Outcome(post=post, result="created", warnings=warnings)


# --- update ----------------------------------------------------------------------------------


def _update(link: ExternalDraft, draft: DraftInput, user, token_name: str) -> Outcome:
    if not user.has_perm("blog.change_post"):
        raise PermissionDenied("記事を編集する権限がありません。")
    post = Post.objects.select_for_update().get(pk=link.post_id)
    current = snapshot(post)
    current_extra = post.extra.get("api", {}) if isinstance(post.extra, dict) else {}
    target, api_extra, warnings = resolve(draft, user, current, current_extra, [])
    if target == current and api_extra == current_extra:
        return Outcome(post=post, result="unchanged", warnings=warnings)

    edited = post.version != link.written_version and digest(current) != link.written_digest
    if edited:
        reason = RevisionProposal.Reason.EDITED
    elif post.status not in EDITABLE_STATES:
        reason = RevisionProposal.Reason.NOT_DRAFT
    else:
        if not workflow.can_edit(user, post):
            raise PermissionDenied("この下書きを編集する権限がありません。")
        post.extra = {**(post.extra or {}), "api": api_extra}
        apply_snapshot(post, target)
        record_revision(post, by=user, note=_note("更新", token_name))
        link.written_version = post.version
        link.written_digest = digest(snapshot(post))
        link.updated_at = timezone.now()
        link.save(update_fields=["written_version", "written_digest", "updated_at"])
        return Outcome(post=post, result="updated", warnings=warnings)

    data = {**target, "extra_api": api_extra}
    key = digest(data)
    proposal = post.proposals.filter(status=RevisionProposal.Status.PENDING, digest=key).first()
    created = proposal is None
    if created:
        proposal = RevisionProposal.objects.create(
            post=post,
            created_by=user,
            token_name=token_name[:100],
            reason=reason,
            base_version=post.version,
            data=data,
            digest=key,
        )
    return Outcome(
        post=post,
        result="proposal",
        proposal=proposal,
        proposal_created=created,
        warnings=warnings,
        findings=trial_findings(post, target),
    )


def trial_findings(post: Post, target: dict) -> dict:
    """The quality gate's findings for content that is not written: write it inside a
    savepoint, evaluate, roll back."""
    with transaction.atomic():
        trial = Post.objects.get(pk=post.pk)
        apply_snapshot(trial, target, trial=True)
        result = serializers.findings(trial)
        transaction.set_rollback(True)
    return result


def apply_proposal(proposal: RevisionProposal, *, by) -> Post:
    """An editor takes the proposal: its content becomes a normal save (and revision)."""
    with transaction.atomic():
        post = Post.objects.select_for_update().get(pk=proposal.post_id)
        if not workflow.can_edit(by, post):
            raise PermissionDenied("この記事を編集する権限がありません。")
        data = dict(proposal.data)
        api_extra = data.pop("extra_api", None)
        if api_extra is not None:
            post.extra = {**(post.extra or {}), "api": api_extra}
        ensure_baseline(post)
        workflow.return_to_review_if_approved(
            post, by=by, note="承認後に API の更新提案を反映したため、もう一度レビューが必要です。"
        )
        apply_snapshot(post, data)
        record_revision(post, by=by, note=f"API からの更新提案 #{proposal.pk} を反映")
        proposal.status = RevisionProposal.Status.APPLIED
        proposal.decided_at = timezone.now()
        proposal.decided_by = by
        proposal.save(update_fields=["status", "decided_at", "decided_by"])
    return post


def dismiss_proposal(proposal: RevisionProposal, *, by) -> None:
    proposal.status = RevisionProposal.Status.DISMISSED
    proposal.decided_at = timezone.now()
    proposal.decided_by = by
    proposal.save(update_fields=["status", "decided_at", "decided_by"])


def _note(verb: str, token_name: str) -> str:
    return f"API（{token_name}）から{verb}" if token_name else f"API から{verb}"


# --- from request values to snapshot form ------------------------------------------------------


def resolve(
    draft: DraftInput,
    user,
    base: dict,
    base_extra: dict,
    problems: list[Problem],
    *,
    creating: bool = False,
) -> tuple[dict, dict, list[Problem]]:
    """The post's content after this request, in `snapshot()` form, plus `extra["api"]` and
    warnings. References that do not exist are errors when the JSON named them, warnings when
    they came from a Jekyll file's footer or front matter (nothing is dropped: they are kept in
    `extra["api"]`)."""
    values = draft.values
    warnings = list(draft.warnings)
    target = {**base, "tags": list(base["tags"]), "books": list(base["books"])}
    extra = dict(base_extra)

    for name in ("title", "body", "excerpt", "description", "slug"):
        if name in values:
            target[name] = values[name]
    if creating and not target["slug"]:
        target["slug"] = default_slug(draft.external_id) or (
            "draft-" + hashlib.sha256(draft.external_id.encode()).hexdigest()[:10]
        )

    if "category" in values:
        target["category_id"] = None
        if values["category"]:
            category = Category.objects.filter(slug=values["category"]).first()
            if category is not None:
                target["category_id"] = category.pk
            elif "category" in draft.derived:
                warnings.append(
                    Problem(
                        "category",
                        "unknown_category",
                        f"カテゴリ「{values['category']}」がサイトにないため、未設定にしました。",
                    )
                )
            else:
                problems.append(
                    Problem(
                        "category",
                        "not_found",
                        f"カテゴリ「{values['category']}」はありません（スラッグで指定します）。",
                    )
                )

    author_id = _author(draft, user, problems, warnings, creating=creating)
    if author_id is not None:
        target["author_id"] = author_id
    elif creating and not any(p.field == "author" for p in problems):
        problems.append(
            Problem(
                "author",
                "required",
                "著者（author）を指定してください（著者のスラッグ。既定の著者がありません）。",
            )
        )

    if "tags" in values:
        target["tags"] = sorted(values["tags"])
    if "books" in values:
        target["books"], extra["unknown_books"] = _books(values["books"], base, warnings)
    if "related" in values:
        target["related"], extra["unresolved_related"] = _related(
            values["related"], draft, problems, warnings
        )
    if "proposed_publish_at" in values:
        moment = values["proposed_publish_at"]
        extra["proposed_publish_at"] = moment.isoformat() if moment else None
    if draft.jekyll:
        extra["jekyll"] = draft.jekyll
    extra["external_id"] = draft.external_id
    extra = {key: value for key, value in extra.items() if value not in ([], None)}

    if problems:
        raise InvalidInput(problems)
    return target, extra, warnings


def _author(draft: DraftInput, user, problems, warnings, *, creating: bool) -> int | None:
    values = draft.values
    if values.get("author"):
        author = Author.objects.filter(slug=values["author"]).first()
        if author is None:
            problems.append(
                Problem(
                    "author",
                    "not_found",
                    f"著者「{values['author']}」はいません（スラッグで指定）。",
                )
            )
            return None
        return author.pk
    if draft.author_name:
        name = draft.author_name
        author = (
            Author.objects.filter(name=name).first()
            or Author.objects.filter(slug=AUTHOR_SLUGS.get(name, name)).first()
        )
        if author is not None:
            return author.pk
        warnings.append(
            Problem(
                "author",
                "unknown_author",
                f"著者「{name}」がサイトにないため、既定の著者にしました。",
            )
        )
    elif "author" not in values and not creating:
        return None  # an update keeps the current byline
    profile = Author.objects.filter(user=user).first()
    if profile is not None:
        return profile.pk
    default = Author.objects.filter(slug=settings.API_DEFAULT_AUTHOR_SLUG).first()
    return default.pk if default is not None else None


def _books(asins: list[str], base: dict, warnings) -> tuple[list[dict], list[str]]:
    by_asin = AffiliateBook.objects.in_bulk(asins, field_name="asin")
    notes = {b["book_id"]: b["note"] for b in base.get("books", [])}
    books, unknown = [], []
    for asin in asins:
        book = by_asin.get(asin)
        if book is None:
            unknown.append(asin)
            continue
        books.append({"book_id": book.pk, "position": len(books), "note": notes.get(book.pk, "")})
    if unknown:
        warnings.append(
            Problem(
                "books",
                "unknown_book",
                f"ASIN {', '.join(unknown)} の書籍は未登録のため紐付けていません"
                "（編集者が書籍を登録してから追加します）。",
            )
        )
    return books, unknown


def _related(items: list, draft: DraftInput, problems, warnings) -> tuple[list[int], list]:
    hosts = jekyll.site_hosts(settings.SITE_URL)
    ids: list[int] = []
    unresolved: list = []
    for i, item in enumerate(items):
        post_id = None
        if isinstance(item, int):
            post_id = item if Post.objects.filter(pk=item).exists() else None
        else:
            path = jekyll.site_path(item, hosts)
            parsed = jekyll.parse_article_path(path) if path else None
            if parsed is not None:
                post_id = (
                    Post.objects.filter(url_date=parsed[0], slug=parsed[1])
                    .values_list("pk", flat=True)
                    .first()
                )
            if post_id is None and path:
                post_id = (
                    Redirect.objects.filter(old_path=path, target_post__isnull=False)
                    .values_list("target_post_id", flat=True)
                    .first()
                )
        if post_id is None:
            unresolved.append(item)
            if "related" not in draft.derived:
                problems.append(
                    Problem(f"related[{i}]", "not_found", f"関連記事「{item}」が見つかりません。")
                )
        elif post_id not in ids:
            ids.append(post_id)
    if unresolved and "related" in draft.derived:
        warnings.append(
            Problem(
                "related",
                "unresolved_related",
                f"関連記事のリンク {len(unresolved)} 件に当たる記事がないため、紐付けていません。",
            )
        )
    return ids, unresolved
