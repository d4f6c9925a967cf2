"""Django glue for the quality checks in `editorial/logic/`: the site's configuration, a Draft
from a Post, what the checks know about the rest of the site, the gate provider the workflow
calls before publishing, stored reports for the quality page, and applying fixes as normal
revisions (one click in the admin, or in bulk from `check_posts --fix` and the quality page).
"""

from __future__ import annotations

import difflib
import multiprocessing
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import islice
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Max, Q, QuerySet
from django.db.models.functions import Substr
from django.utils import timezone

from blog.logic.urls import article_path
from blog.models import Category, Post, Redirect
from editorial import gate, workflow
from editorial.audit import log
from editorial.logic.checks import (
    apply_fixes,
    check_fields,
    fix_rounds,
    init_worker,
    run_checks,
)
from editorial.logic.draft import (
    ERROR,
    INFO,
    TEXT_FIELDS,
    WARNING,
    Book,
    Config,
    Draft,
    Finding,
    PostRef,
    SiteContext,
)
from editorial.logic.draft import StyleRule as RuleSpec
from editorial.logic.duplicates import OPENING_CHARS, NearDuplicateIndex
from editorial.models import (
    AuditEntry,
    CheckSeverity,
    PostQualityReport,
    QualitySettings,
    StyleRule,
)
from editorial.revisions import ensure_baseline, record_revision

A = AuditEntry.Action
# A bulk fix runs the checks again after each round: a removed conflict marker can reveal a
# duplicate, a removed duplicate can make a footer the second copy.
# Codes whose fixes may run unattended over many posts (the quality page's bulk fix and
# `check_posts --fix`).
BULK_FIX_CODES = (
    "repetition.paragraph",
    "repetition.section",
    "repetition.footer",
    "leftover.end_marker",
    "leftover.conflict",
    "leftover.chatter",
    "leftover.liquid",
)
MAX_FIX_ROUNDS = 5


class FixError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# --- configuration and context ----------------------------------------------------------------


def load_config() -> Config:
    """The checks' configuration: the admin's settings, rules and severities, and the site's
    associate tag, host and categories."""
    tunables = QualitySettings.load()
    rules = tuple(
        RuleSpec(
            key=rule.key,
            pattern=rule.pattern,
            message=rule.message,
            severity=rule.severity,
            replacement=rule.replacement,
            is_regex=rule.is_regex,
            name=rule.name,
        )
        for rule in StyleRule.objects.filter(is_active=True)
    )
    host = (urlsplit(settings.SITE_URL).hostname or "").lower()
    hosts = {host, "ai-media.co.jp", "www.ai-media.co.jp"} - {""}
    return Config(
        title_length=(tunables.title_min_length, tunables.title_max_length),
        excerpt_length=(tunables.excerpt_min_length, tunables.excerpt_max_length),
        description_length=(tunables.description_min_length, tunables.description_max_length),
        yen_per_dollar=(tunables.yen_per_dollar_min, tunables.yen_per_dollar_max),
        reference_yen_per_dollar=tunables.yen_per_dollar_reference,
        padding_suffixes=tunables.padding_suffix_list,
        style_rules=rules,
        severities=dict(CheckSeverity.objects.values_list("code", "severity")),
        associate_tag=settings.AMAZON_ASSOCIATE_TAG,
        site_hosts=tuple(sorted(hosts)),
        # templates/blog/post_detail.html prints the disclosure above the body.
        template_disclosure=True,
        category_names=tuple(Category.objects.values_list("name", flat=True)),
        min_repeat_chars=tunables.min_repeat_chars,
        reading_time_tolerance=tunables.reading_time_tolerance,
        near_duplicate_threshold=tunables.near_duplicate_threshold,
    )


def site_context(config: Config, *, near_duplicates: bool = True) -> SiteContext:
    """Published URLs, redirects and (optionally) the near-duplicate index over all posts."""
    published = {}
    for pk, title, status, url_date, slug in Post.objects.published().values_list(
        "pk", "title", "status", "url_date", "slug"
    ):
        path = unicodedata.normalize("NFC", article_path(url_date, slug))
        published[path] = PostRef(pk, title, path, status)
    by_id = {ref.id: ref.path for ref in published.values()}
    redirects = {}
    for old_path, target_post, target_path in Redirect.objects.values_list(
        "old_path", "target_post", "target_path"
    ):
        target = by_id.get(target_post) if target_post else target_path
        if target:
            redirects[old_path if old_path.endswith("/") else old_path + "/"] = target
    return SiteContext(
        published_paths=frozenset(published),
        redirect_targets=redirects,
        published_posts=published,
        near_duplicates=near_duplicate_index(config) if near_duplicates else None,
    )


_index_cache: dict = {}


def near_duplicate_index(config: Config) -> NearDuplicateIndex:
    """The index of all posts' titles and openings. Every post page and publication needs it,
    so it is kept between requests until a post is added, removed or saved."""
    state = Post.objects.aggregate(count=Count("pk"), changed=Max("updated_at"))
    cache_key = (
        state["count"],
        state["changed"],
        config.near_duplicate_threshold,
        config.padding_suffixes,
    )
    cached = _index_cache.get("index")
    if cached is not None and cached[0] == cache_key:
        return cached[1]
    index = NearDuplicateIndex(config)
    rows = Post.objects.annotate(opening=Substr("body_text", 1, OPENING_CHARS * 2)).values_list(
        "pk", "title", "status", "opening"
    )
    for pk, title, status, opening in rows.iterator(chunk_size=2000):
        index.add(PostRef(pk, title, "", status), title, opening or "")
    _index_cache["index"] = (cache_key, index)
    return index


def draft_for(post: Post, texts: dict[str, str] | None = None) -> Draft:
    """The Draft of a post as stored (rendered text and HTML from the last save), or with
    `texts` replacing some fields (then the body is rendered again)."""
    return Draft(**draft_fields(post, texts))


def draft_fields(post: Post, texts: dict[str, str] | None = None) -> dict:
    """The values a Draft is made of (plain data: it can be sent to a worker process)."""
    values = {name: getattr(post, name) or "" for name in TEXT_FIELDS}
    rendered_text, rendered_html = post.body_text, post.body_html
    if texts:
        values.update(texts)
        if texts.get("body", post.body) != post.body:
            rendered_text = rendered_html = None
    if values["body"] and not rendered_html:
        rendered_text = rendered_html = None
    return dict(
        title=values["title"],
        slug=values["slug"],
        excerpt=values["excerpt"],
        description=values["description"],
        body=values["body"],
        text=rendered_text,
        html=rendered_html,
        tags=tuple(tag.name for tag in post.tags.all()),
        category=post.category.name if post.category_id else "",
        books=tuple(Book(link.book.asin, link.book.title) for link in post.book_links.all()),
        reading_time=None if rendered_text is None else post.reading_time,
        reading_time_override=post.reading_time_override,
        published_at=post.published_at,
        post_id=post.pk,
        status=post.status,
        path=post.public_path or "",
    )


def check_post(
    post: Post, *, config: Config | None = None, context: SiteContext | None = None
) -> list[Finding]:
    config = config or load_config()
    context = context or site_context(config)
    return run_checks(draft_for(post), config, context)


def posts_for_checking(queryset: QuerySet[Post] | None = None) -> QuerySet[Post]:
    queryset = queryset if queryset is not None else Post.objects.all()
    return queryset.select_related("category").prefetch_related("tags", "book_links__book")


# --- the gate the workflow runs before publish and schedule ---------------------------------


def gate_provider(post: Post) -> list[gate.GateFinding]:
    """The findings of the post as stored. Reads only: the API's GET shows the gate too."""
    post = posts_for_checking(Post.objects.filter(pk=post.pk)).get()
    return _gate_findings(check_post(post))


def gate_recorder(post: Post) -> list[gate.GateFinding]:
    """As gate_provider, keeping the post's report (the workflow's transitions use this)."""
    post = posts_for_checking(Post.objects.filter(pk=post.pk)).get()
    findings = check_post(post)
    store_report(post, findings)
    return _gate_findings(findings)


def _gate_findings(findings: list[Finding]) -> list[gate.GateFinding]:
    return [
        gate.GateFinding(f.code, f.severity, _located(f), field=f.field, line=f.line)
        for f in findings
    ]


def _located(found: Finding) -> str:
    from editorial.logic.draft import FIELD_LABELS

    if found.field == "body" and found.line and not found.message.startswith(f"{found.line}行目"):
        return f"本文{found.line}行目: {found.message}"
    if found.field != "body":
        return f"{FIELD_LABELS.get(found.field, found.field)}: {found.message}"
    return found.message


def publish_block_reason(findings: Iterable[Finding]) -> str:
    """Why the publish button is disabled, for the post page ("" when it is not)."""
    errors = [f for f in findings if f.severity == ERROR]
    if not errors:
        return ""
    first = errors[0].message
    more = f"ほか{len(errors) - 1}件" if len(errors) > 1 else ""
    return f"品質チェックのエラーが{len(errors)}件あるため公開できません（{first}{more}）。"


# --- stored reports ---------------------------------------------------------------------------


def _report_fields(post: Post, findings: list[Finding]) -> dict:
    counts = Counter(f.severity for f in findings)
    return {
        "post_version": post.version,
        "checked_at": timezone.now(),
        "errors": counts[ERROR],
        "warnings": counts[WARNING],
        "infos": counts[INFO],
        "code_counts": dict(Counter(f.code for f in findings)),
        "findings": [f.to_dict() for f in findings],
    }


def refresh_report(post_id: int) -> PostQualityReport | None:
    """Check a post as stored now and keep the report (after an edit, so the post list's
    counts and its 「エラーあり」 filter follow without waiting for the nightly run)."""
    post = posts_for_checking(Post.objects.filter(pk=post_id)).first()
    if post is None:
        return None
    return store_report(post, check_post(post))


def store_report(post: Post, findings: list[Finding]) -> PostQualityReport:
    report, _ = PostQualityReport.objects.update_or_create(
        post=post, defaults=_report_fields(post, findings)
    )
    return report


def store_reports(results: list[tuple[Post, list[Finding]]]) -> None:
    """Store many reports with a few queries (check_posts over the whole archive)."""
    with transaction.atomic():
        PostQualityReport.objects.filter(post__in=[post for post, _ in results]).delete()
        PostQualityReport.objects.bulk_create(
            PostQualityReport(post=post, **_report_fields(post, findings))
            for post, findings in results
        )


def check_posts(
    queryset: QuerySet[Post],
    *,
    config: Config | None = None,
    store: bool = True,
    chunk_size: int = 200,
    jobs: int = 1,
) -> Iterator[tuple[Post, list[Finding]]]:
    """Check many posts with one configuration and one site context, in order; with `jobs`
    above 1 the checks run in that many worker processes."""
    config = config or load_config()
    context = site_context(config)
    pending: list[tuple[Post, list[Finding]]] = []
    posts = posts_for_checking(queryset).iterator(chunk_size=chunk_size)
    for post, findings in _checked(posts, config, context, jobs, chunk_size):
        if store:
            pending.append((post, findings))
            if len(pending) >= chunk_size:
                store_reports(pending)
                pending = []
        yield post, findings
    if pending:
        store_reports(pending)


def _checked(posts, config, context, jobs: int, chunk_size: int):
    if jobs <= 1:
        for post in posts:
            yield post, run_checks(draft_for(post), config, context)
        return
    # spawn: the workers import only editorial.logic (no Django, no inherited connections) and
    # get the configuration and site context once. This process reads the next batch of posts
    # from the database while the workers check the previous one.
    pool = ProcessPoolExecutor(
        jobs,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=init_worker,
        initargs=(config, context),
    )
    with pool:
        previous = None
        while batch := list(islice(posts, chunk_size)):
            results = pool.map(check_fields, [draft_fields(p) for p in batch], chunksize=4)
            if previous is not None:
                yield from zip(*previous, strict=True)
            previous = (batch, results)
        if previous is not None:
            yield from zip(*previous, strict=True)


def stale_posts() -> QuerySet[Post]:
    """Posts never checked, or saved since their last check."""
    return Post.objects.filter(
        Q(quality_report__isnull=True) | ~Q(quality_report__post_version=F("version"))
    )


def settings_changed(sender, **kwargs) -> None:
    """A check's severity, a house-style rule or a quality setting changed: every stored
    report was judged by the old configuration, so all become stale (version 0 is never a
    post's version) and the quality page offers to check them again."""
    PostQualityReport.objects.exclude(post_version=0).update(post_version=0)


def connect_settings_signals() -> None:
    from django.db.models.signals import post_delete, post_save

    for model in (QualitySettings, StyleRule, CheckSeverity):
        uid = f"kosei-quality-config-{model._meta.model_name}"
        post_save.connect(settings_changed, sender=model, dispatch_uid=uid + "-save")
        post_delete.connect(settings_changed, sender=model, dispatch_uid=uid + "-delete")


def refresh_stale_reports() -> int:
    """Check the posts never checked or changed since their last check; returns how many."""
    return sum(1 for _ in check_posts(stale_posts()))


# --- fixes --------------------------------------------------------------------------------


def _save_fixed(post: Post, texts: dict[str, str], *, by, labels: list[str], data: dict) -> None:
    """Save the fixed fields as a normal edit: a revision and an audit row, and back to review
    when an approved post changes (as in the admin)."""
    ensure_baseline(post)
    for name, value in texts.items():
        setattr(post, name, value)
    workflow.return_to_review_if_approved(
        post, by=by, note="承認後に自動修正したため、もう一度レビューが必要です。"
    )
    post.save()
    note = "品質チェックの自動修正: " + "、".join(labels)
    record_revision(post, by=by, note=note[:300])
    log(post, A.QUALITY_FIX, by=by, note=note, data=data)


@transaction.atomic
def apply_fix(post: Post, fingerprint: str, *, by, version: int | None = None) -> Finding:
    """Apply the fix of one finding (the admin's one-click button). Refuses when the post was
    saved since the page showed the finding, or when the finding no longer applies."""
    current = posts_for_checking(
        Post.objects.select_for_update(of=("self",)).filter(pk=post.pk)
    ).get()
    if version is not None and current.version != version:
        raise FixError(
            "この記事は、画面を開いた後に保存されています。ページを読み込み直してから修正してください。"
        )
    findings = check_post(current)
    target = next((f for f in findings if f.fingerprint == fingerprint and f.fix), None)
    if target is None:
        raise FixError("この指摘はもう当てはまりません（記事が変わったか、すでに直っています）。")
    fix = target.fix
    texts, applied = apply_fixes({fix.field: getattr(current, fix.field) or ""}, [fix])
    if not applied:
        raise FixError(
            "この修正は、ほかの箇所と重なるか、唯一の文章を消してしまうため適用できません。"
        )
    _save_fixed(
        current,
        texts,
        by=by,
        labels=[fix.label],
        data={"codes": [target.code], "fields": [fix.field], "fingerprint": fingerprint},
    )
    current = posts_for_checking(Post.objects.filter(pk=current.pk)).get()
    store_report(current, check_post(current))
    post.refresh_from_db()
    return target


@dataclass
class FixReport:
    codes: list[str]
    dry_run: bool
    checked: int = 0
    changed: int = 0
    skipped: int = 0
    counts: Counter = field(default_factory=Counter)
    samples: list[tuple[Post, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def fixed_texts(
    post: Post, codes: list[str], config: Config, context: SiteContext
) -> tuple[dict[str, str], Counter]:
    """The post's text fields after applying the safe fixes of `codes`, and how many fixes of
    each code were applied."""
    texts = {name: getattr(post, name) or "" for name in TEXT_FIELDS}
    return fix_rounds(
        texts,
        lambda current, changed: draft_for(post, current if changed else None),
        codes,
        config,
        context,
        rounds=MAX_FIX_ROUNDS,
    )


def diff_sample(before: str, after: str, *, name: str = "本文", context_lines: int = 1) -> str:
    lines = difflib.unified_diff(
        before.splitlines(),
        after.splitlines(),
        fromfile=f"{name}（修正前）",
        tofile=f"{name}（修正後）",
        lineterm="",
        n=context_lines,
    )
    return "\n".join(line if len(line) <= 160 else line[:159] + "…" for line in lines)


def fix_posts(
    queryset: QuerySet[Post],
    codes: list[str],
    *,
    by,
    dry_run: bool = False,
    samples: int = 3,
    progress: Callable[[int], None] | None = None,
) -> FixReport:
    """Apply the safe automatic fixes of `codes` to every post of `queryset`: each changed
    post gets one revision and one audit row attributed to `by`."""
    report = FixReport(codes=codes, dry_run=dry_run)
    config = load_config()
    context = site_context(config)
    for post in posts_for_checking(queryset).iterator(chunk_size=100):
        report.checked += 1
        if progress:
            progress(report.checked)
        texts, counts = fixed_texts(post, codes, config, context)
        if not counts:
            continue
        changed = {name: value for name, value in texts.items() if value != getattr(post, name)}
        if len(report.samples) < samples:
            diff = "\n".join(
                diff_sample(getattr(post, name) or "", value, name=name)
                for name, value in changed.items()
            )
            report.samples.append((post, diff))
        if dry_run:
            report.counts.update(counts)
            report.changed += 1
            continue
        with transaction.atomic():
            current = Post.objects.select_for_update().get(pk=post.pk)
            if current.version != post.version:
                report.skipped += 1
                report.errors.append(f"「{post.title}」は処理中に編集されたため、飛ばしました。")
                continue
            _save_fixed(
                current,
                changed,
                by=by,
                labels=sorted({f"{code}×{n}" for code, n in counts.items()}),
                data={"codes": dict(counts), "fields": sorted(changed), "bulk": True},
            )
        # Counted once saved: a post edited meanwhile was skipped and changed nothing.
        report.counts.update(counts)
        report.changed += 1
        current = posts_for_checking(Post.objects.filter(pk=post.pk)).get()
        store_report(current, run_checks(draft_for(current), config, context))
    return report
