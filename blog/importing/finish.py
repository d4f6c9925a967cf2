"""What is written once every post of the run exists: related posts (their targets need pks),
redirects (old URL forms, the posts' own permalinks, the dead category URLs) and the
categories' calls to action (chosen from every post's footer)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from blog.importing.report import INFO, WARNING, ImportReport
from blog.importing.write import Writer
from blog.logic import jekyll
from blog.logic.site_facts import SITE_CATEGORIES, CategoryInfo, site_category
from blog.models import CallToAction, Redirect, RelatedPost
from blog.validators import validate_link_target


@dataclass
class Pending:
    """What the run collects post by post for the end."""

    # post pk -> (its file, the keys of its related posts in order)
    related: dict[int, tuple[str, list[Hashable]]] = field(default_factory=dict)
    # old path -> (target post pk, or None with a target path; the file or category asking)
    redirects: dict[str, tuple[int | None, str, str]] = field(default_factory=dict)
    # category slug -> the call-to-action blocks of its posts' footers
    ctas: dict[str, list[jekyll.CallToActionBlock]] = field(default_factory=dict)

    def want_redirect(self, old_path: str, pk: int | None, rel: str, target_path: str) -> None:
        self.redirects.setdefault(old_path, (pk, target_path, rel))


def write_related(
    pending: Pending,
    pk_by_key: dict[Hashable, int],
    paths: dict[Hashable, str],
    report: ImportReport,
) -> None:
    """Each written post's related posts, in order, once every post has its pk."""
    current: dict[int, list[int]] = {}
    rows = RelatedPost.objects.filter(post_id__in=pending.related).order_by(
        "post_id", "position", "pk"
    )
    for post_id, related_id in rows.values_list("post_id", "related_id"):
        current.setdefault(post_id, []).append(related_id)
    new_rows = []
    stale = []
    for pk, (rel, keys) in pending.related.items():
        wanted = []
        for key in keys:
            target = pk_by_key.get(key) or (key[1] if key[0] == "pk" else None)
            if target is None:
                report.problem(
                    rel, None, WARNING, "related_failed",
                    f"関連記事 {paths.get(key, key)} は取り込めなかったため外しました。",
                )  # fmt: skip
            elif target != pk and target not in wanted:
                wanted.append(target)
        report.counts["related_resolved"] += len(wanted)
        if current.get(pk, []) != wanted:
            stale.append(pk)
            new_rows.extend(
                RelatedPost(post_id=pk, related_id=target, position=i)
                for i, target in enumerate(wanted)
            )
    RelatedPost.objects.filter(post_id__in=stale).delete()
    RelatedPost.objects.bulk_create(new_rows)


def write_redirects(
    pending: Pending, pk_by_key: dict[Hashable, int], writer: Writer, report: ImportReport
) -> None:
    """The wanted redirects that do not exist yet; an existing one is left as it is."""
    for info in SITE_CATEGORIES:
        # The old URLs redirect to the category's page, which must exist even while no
        # imported post is filed there yet (the old site had a page for each category).
        writer.category(info)
        for old_path in info.dead_paths:
            pending.want_redirect(old_path, None, f"カテゴリ「{info.name}」", info.path)
    existing = {r.old_path: r for r in Redirect.objects.filter(old_path__in=pending.redirects)}
    new = []
    for old_path, (pk, target_path, rel) in sorted(pending.redirects.items()):
        if pk is None and not target_path:
            # A post's own permalink: point it at the post once its pk is known.
            pk = pk_by_key.get(("file", rel))
            if pk is None:
                continue
        redirect = existing.get(old_path)
        if redirect is not None:
            if (redirect.target_post_id, redirect.target_path) != (pk, target_path):
                report.problem(
                    rel, None, INFO, "redirect_exists",
                    f"リダイレクト {old_path} はすでに別の転送先があるため変えていません。",
                )  # fmt: skip
            continue
        new.append(Redirect(old_path=old_path, target_post_id=pk, target_path=target_path))
    Redirect.objects.bulk_create(new)
    report.counts["redirects"] += len(new)


def write_ctas(pending: Pending, writer: Writer, report: ImportReport) -> None:
    """A call to action for each category that has none, from its posts' footers."""
    for slug, blocks in sorted(pending.ctas.items()):
        category = writer.known_category(slug)
        if category is None or CallToAction.objects.filter(category=category).exists():
            continue
        info = site_category(slug)
        block = _best_cta(blocks, info)
        if block is None:
            continue
        CallToAction.objects.create(
            category=category,
            heading=block.heading,
            text=block.text,
            link_label=block.link_label,
            url=block.url,
        )
        report.counts["ctas_created"] += 1


def _best_cta(
    blocks: list[jekyll.CallToActionBlock], info: CategoryInfo
) -> jekyll.CallToActionBlock | None:
    """The category's own CTA (its utm_campaign) if any post had it, else the most common."""
    usable = [b for b in blocks if _cta_fits(b)]
    if not usable:
        return None
    own = [b for b in usable if b.campaign == info.campaign]
    pool = own or usable
    counts = Counter((b.heading, b.text, b.link_label, b.url) for b in pool)
    best = counts.most_common(1)[0][0]
    return next(b for b in pool if (b.heading, b.text, b.link_label, b.url) == best)


def _cta_fits(block: jekyll.CallToActionBlock) -> bool:
    if len(block.heading) > 100 or len(block.text) > 300 or len(block.link_label) > 50:
        return False
    try:
        validate_link_target(block.url)
    except ValidationError:
        return False
    return len(block.url) <= 500
