"""The quality pages of the admin: one-click fixes and checking unsaved text on a post, the
site-wide quality page with its CSV export, refresh and bulk fix."""

from __future__ import annotations

import csv
from collections import Counter
from urllib.parse import urlencode

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from blog.models import Post, PostStatus
from editorial import workflow
from editorial.logic.checks import CODES, code_info, describe, run_checks
from editorial.logic.draft import ERROR, SEVERITY_LABELS, SEVERITY_RANK, TEXT_FIELDS
from editorial.models import PostQualityReport
from editorial.quality import checking
from editorial.quality.checking import BULK_FIX_CODES
from editorial.quality.panel import panel_context

BULK_BATCH = 300


def post_fix_view(request, pk):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    post = get_object_or_404(Post, pk=pk)
    if not workflow.can_edit(request.user, post):
        raise PermissionDenied("この記事を編集する権限がありません。")
    fingerprint = request.POST.get("quality_fingerprint", "")
    version = request.POST.get("version")
    try:
        found = checking.apply_fix(
            post,
            fingerprint,
            by=request.user,
            version=int(version) if version and version.isdigit() else None,
        )
    except checking.FixError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, f"「{found.fix.label}」を適用しました（変更履歴にリビジョンを残しました）。"
        )
    return redirect(reverse("admin:blog_post_change", args=[post.pk]) + "#quality-panel")


def post_preview_view(request, pk):
    """The findings for the text in the form, before it is saved (「いまの入力でチェック」)."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    post = get_object_or_404(checking.posts_for_checking(Post.objects.all()), pk=pk)
    if not (request.user.has_perm("blog.view_post") or request.user.has_perm("blog.change_post")):
        raise PermissionDenied
    texts = {name: request.POST[name] for name in TEXT_FIELDS if name in request.POST}
    # Browsers send CRLF line breaks; the stored body (and the line numbers) use LF.
    texts = {name: value.replace("\r\n", "\n") for name, value in texts.items()}
    override = request.POST.get("reading_time_override", "")
    draft = checking.draft_for(post, texts)
    draft.reading_time_override = int(override) if override.isdigit() else None
    config = checking.load_config()
    findings = run_checks(draft, config, checking.site_context(config))
    unsaved = Post(pk=post.pk, version=post.version, status=post.status, body=draft.body)
    unsaved.created_by_id = post.created_by_id
    html = render_to_string(
        "admin/editorial/quality/_panel.html",
        panel_context(request, unsaved, findings, preview=True),
        request,
    )
    return HttpResponse(html)


# --- the site-wide quality page ------------------------------------------------------------

_SORTS = {
    "errors": ("-errors", "-warnings", "post__title"),
    "-errors": ("errors", "warnings", "post__title"),
    "warnings": ("-warnings", "-errors", "post__title"),
    "title": ("post__title",),
    "-title": ("-post__title",),
    "published": ("-post__published_at", "post__pk"),
    "-published": ("post__published_at", "post__pk"),
}


def _can_view_dashboard(user) -> bool:
    return user.is_active and user.is_staff and user.has_perm("blog.change_post")


def _code_table(reports, published_ids: set[int], config) -> list[dict]:
    posts = Counter()
    published = Counter()
    occurrences = Counter()
    for post_id, code_counts in reports:
        for code, count in code_counts.items():
            posts[code] += 1
            occurrences[code] += count
            if post_id in published_ids:
                published[code] += 1
    codes = set(CODES) | set(posts)
    rows = []
    for code in codes:
        info = describe(code, config)
        severity = info.severity
        rows.append(
            {
                "code": code,
                "label": info.label,
                "group": info.group_label,
                "severity": severity,
                "severity_label": SEVERITY_LABELS.get(severity, severity),
                "posts": posts[code],
                "published": published[code],
                "occurrences": occurrences[code],
                "bulk": code in BULK_FIX_CODES,
            }
        )
    rows.sort(key=lambda r: (SEVERITY_RANK.get(r["severity"], 9), -r["posts"], r["code"]))
    return rows


def _published_with_errors(sort: str):
    now = timezone.now()
    return (
        PostQualityReport.objects.filter(
            errors__gt=0, post__status=PostStatus.PUBLISHED, post__published_at__lte=now
        )
        .select_related("post")
        .order_by(*_SORTS.get(sort, _SORTS["errors"]))
    )


def dashboard_view(request):
    if not _can_view_dashboard(request.user):
        raise PermissionDenied
    sort = request.GET.get("o", "errors")
    if request.GET.get("format") == "csv":
        return _csv(request, sort)
    config = checking.load_config()
    published_ids = set(Post.objects.published().values_list("pk", flat=True))
    reports = list(PostQualityReport.objects.values_list("post_id", "code_counts"))
    code_rows = _code_table(reports, published_ids, config)
    page = Paginator(_published_with_errors(sort), 50).get_page(request.GET.get("page"))
    context = {
        **admin.site.each_context(request),
        "title": "品質チェック（サイト全体）",
        "code_rows": code_rows,
        "page": page,
        "sort": sort,
        "sorts": [
            ("errors", "エラーの多い順"),
            ("warnings", "警告の多い順"),
            ("published", "新しい順"),
            ("-published", "古い順"),
            ("title", "タイトル順"),
        ],
        "total_posts": Post.objects.count(),
        "published_posts": len(published_ids),
        "checked_posts": len(reports),
        "stale_posts": checking.stale_posts().count(),
        "published_with_errors": _published_with_errors(sort).count(),
        "bulk_codes": [row for row in code_rows if row["bulk"]],
        "can_bulk_fix": request.user.has_perm("blog.review_post"),
        "csv_url": "?" + urlencode({"format": "csv", "o": sort}),
    }
    return TemplateResponse(request, "admin/editorial/quality/dashboard.html", context)


def _csv(request, sort: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="quality-{stamp}.csv"'
    response.write("\ufeff")  # Excel opens UTF-8 CSV with Japanese correctly only with a BOM
    writer = csv.writer(response)
    writer.writerow(
        [
            "ID",
            "タイトル",
            "URL",
            "公開日時",
            "エラー",
            "警告",
            "情報",
            "チェック（件数）",
            "最初のエラー",
        ]
    )
    for report in _published_with_errors(sort).iterator(chunk_size=500):
        post = report.post
        first_error = next((f["message"] for f in report.findings if f["severity"] == ERROR), "")
        writer.writerow(
            [
                post.pk,
                post.title,
                post.public_path or "",
                timezone.localtime(post.published_at).strftime("%Y-%m-%d %H:%M"),
                report.errors,
                report.warnings,
                report.infos,
                " ".join(f"{code}×{n}" for code, n in sorted(report.code_counts.items())),
                first_error,
            ]
        )
    return response


def refresh_view(request):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not _can_view_dashboard(request.user):
        raise PermissionDenied
    count = checking.refresh_stale_reports()
    messages.success(request, f"{count}件の記事をチェックしました。")
    return redirect("editorial_quality:dashboard")


_SCOPES = {
    "published": ("公開中の記事", lambda: Post.objects.published()),
    "all": ("すべての記事", lambda: Post.objects.all()),
    "drafts": ("未公開の記事", lambda: Post.objects.exclude(status=PostStatus.PUBLISHED)),
}


def bulk_fix_view(request):
    """Apply the safe fixes of the chosen checks to many posts: first a dry run that shows the
    counts and sample diffs, then the real run, in batches so a request stays short."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not (_can_view_dashboard(request.user) and request.user.has_perm("blog.review_post")):
        raise PermissionDenied("一括修正には編集者以上の権限が必要です。")
    codes = [code for code in request.POST.getlist("codes") if code in BULK_FIX_CODES]
    scope = request.POST.get("scope", "published")
    if not codes or scope not in _SCOPES:
        messages.error(request, "修正するチェックと対象を選んでください。")
        return redirect("editorial_quality:dashboard")
    dry_run = request.POST.get("run") != "1"
    after = int(request.POST.get("after") or 0)
    queryset = _SCOPES[scope][1]().filter(pk__gt=after).order_by("pk")
    remaining_before = queryset.count()
    batch_ids = list(queryset.values_list("pk", flat=True)[:BULK_BATCH])
    report = checking.fix_posts(
        Post.objects.filter(pk__in=batch_ids).order_by("pk"),
        codes,
        by=request.user,
        dry_run=dry_run,
        samples=5,
    )
    last = batch_ids[-1] if batch_ids else after
    context = {
        **admin.site.each_context(request),
        "title": "品質チェックの一括修正" + ("（試行）" if dry_run else ""),
        "report": report,
        "codes": [(code, code_info(code).label) for code in codes],
        "scope": scope,
        "scope_label": _SCOPES[scope][0],
        "dry_run": dry_run,
        "after": after,
        "next_after": last,
        "processed": len(batch_ids),
        "remaining": max(0, remaining_before - len(batch_ids)),
        "counts": [
            (code, code_info(code).label, count)
            for code, count in sorted(report.counts.items(), key=lambda kv: -kv[1])
        ],
    }
    return TemplateResponse(request, "admin/editorial/quality/bulk_fix.html", context)


def bulk_fix_form_codes() -> list[tuple[str, str]]:
    return [(code, code_info(code).label) for code in BULK_FIX_CODES]


# --- admin for rules, severities and settings ---------------------------------------------
