"""Social cards on the Django side: what a post's card shows, drawing it when the post is saved
(`blog.signals.post_saved`) or goes live, storing it under its hash, and regenerating many at
once (`generate_ogp`).

Files are named `ogp/cards/<hash>.png`, the hash covering everything drawn (blog.logic.ogp
.card_hash). A new title gives a new file and URL; the old file stays, so a link Facebook or X
cached years ago still shows an image. Nothing here ever deletes a card.
"""

import logging
import multiprocessing
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from blog.logic import ogp
from blog.models import Category, Post

logger = logging.getLogger(__name__)

CARD_DIR = "ogp/cards"

_fonts: dict[str, ogp.FontSpec] = {}


def site_font() -> ogp.FontSpec:
    """The configured font (OGP_FONT_PATH) or the packaged one; raises ogp.OgpFontError."""
    key = settings.OGP_FONT_PATH
    if key not in _fonts:
        _fonts[key] = ogp.find_font(key or None)
    return _fonts[key]


def site_label() -> str:
    if settings.SITE_PUBLISHER:
        return f"{settings.SITE_NAME} by {settings.SITE_PUBLISHER}"
    return settings.SITE_NAME


def theme_of(category: Category | None) -> ogp.Theme:
    if category is None:
        return ogp.Theme()
    return ogp.Theme(category.ogp_gradient_start, category.ogp_gradient_end, category.ogp_accent)


def card_input(post: Post) -> ogp.CardInput:
    category = post.category
    return ogp.CardInput(
        title=post.title,
        category=category.name if category else "",
        author=post.author.name if post.author_id else "",
        site_name=site_label(),
        domain=settings.OGP_DOMAIN,
        theme=theme_of(category),
    )


def current_hash(post: Post) -> str:
    return ogp.card_hash(card_input(post), site_font())


def card_is_current(post: Post) -> bool:
    return bool(post.ogp_card) and post.ogp_card_hash == current_hash(post)


def card_name(digest: str) -> str:
    return f"{CARD_DIR}/{digest}.png"


def store(digest: str, png: bytes) -> str:
    """Save through STORAGES["default"]; an existing file with this hash is the same drawing."""
    name = card_name(digest)
    if default_storage.exists(name):
        return name
    return default_storage.save(name, ContentFile(png))


def generate_card(post: Post, *, force: bool = False) -> ogp.Card | None:
    """Draw and store the post's card if its drawn inputs changed (or `force`), and point the
    post at it. Returns the card, or None when the stored one was already current."""
    font = site_font()
    data = card_input(post)
    if not force and post.ogp_card and post.ogp_card_hash == ogp.card_hash(data, font):
        return None
    card = ogp.draw_card(data, font)
    name = store(card.hash, card.png)
    note = "\n".join(card.warnings)
    # update(), not save(): no version bump (an editor's open form stays valid), no signals.
    Post.objects.filter(pk=post.pk).update(
        ogp_card=name, ogp_card_hash=card.hash, ogp_card_note=note
    )
    post.ogp_card, post.ogp_card_hash, post.ogp_card_note = name, card.hash, note
    return card


def on_post_saved(sender, post: Post, update_fields=None, draw_card: bool = True, **kwargs):
    """Draw the card as part of saving (`post_saved`): the editor waits for the drawing
    (~0.1 s), nothing more.

    Not for a save with `update_fields` (a background job touching a column, not an edit of
    what the card shows), nor when the caller draws (or skips) cards itself (`draw_card=False`:
    the Jekyll import leaves them to `generate_ogp --missing`, which draws on every core, and
    a dry run writes no file). A failure is logged and shown on the post's admin page; it never
    loses the save.
    """
    if update_fields is not None or not draw_card or not settings.OGP_CARDS_ON_SAVE:
        return
    try:
        generate_card(post)
    except Exception as exc:
        logger.exception("OGP card for post %s failed", post.pk)
        note = f"OGP カードを作れませんでした: {exc}"
        Post.objects.filter(pk=post.pk).update(ogp_card_note=note)
        post.ogp_card_note = note


def on_post_went_live(sender, post: Post, **kwargs) -> None:
    """At go-live (published now, or a scheduled time reached) the card must exist and show
    what is published: drawn here if a save did not already draw it (cards off on save, a
    failed drawing, a bulk import)."""
    try:
        generate_card(Post.objects.get(pk=post.pk))
    except Post.DoesNotExist:
        return
    except Exception:
        logger.exception("OGP card for post %s failed at go-live", post.pk)


# --- bulk ------------------------------------------------------------------------------------


@dataclass
class BulkSummary:
    total: int = 0
    drawn: int = 0
    unchanged: int = 0
    edited_meanwhile: int = 0
    truncated: list[int] = field(default_factory=list)
    failed: list[tuple[int, str]] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def per_second(self) -> float:
        return self.drawn / self.seconds if self.seconds else 0.0


_FIELDS = (
    "pk",
    "title",
    "ogp_card",
    "ogp_card_hash",
    "author__name",
    "category__name",
    "category__ogp_gradient_start",
    "category__ogp_gradient_end",
    "category__ogp_accent",
)


def plan(
    *, only_stale: bool, post_ids: Iterable[int] | None = None
) -> tuple[list[tuple[int, ogp.CardInput]], dict[int, str], int]:
    """Which posts to draw: (jobs, the hash each had when planned, how many were current)."""
    font = site_font()
    label, domain = site_label(), settings.OGP_DOMAIN
    rows = Post.objects.order_by("pk").values_list(*_FIELDS)
    if post_ids is not None:
        rows = rows.filter(pk__in=list(post_ids))
    jobs, planned_hashes, unchanged = [], {}, 0
    for pk, title, card, old_hash, author, category, start, end, accent in rows.iterator(2000):
        theme = ogp.Theme(start, end, accent) if category is not None else ogp.Theme()
        data = ogp.CardInput(title, category or "", author or "", label, domain, theme)
        if only_stale and card and old_hash == ogp.card_hash(data, font):
            unchanged += 1
            continue
        jobs.append((pk, data))
        planned_hashes[pk] = old_hash
    return jobs, planned_hashes, unchanged


def generate_many(
    *,
    only_stale: bool = True,
    post_ids: Iterable[int] | None = None,
    processes: int = 1,
    progress: Callable[[int, int], None] | None = None,
) -> BulkSummary:
    """Draw cards in `processes` worker processes; store and record them here, one DB writer.

    Workers get plain data (blog.logic.ogp.draw_job) and never touch the database. A post edited
    while the run was going keeps the card its save drew (the update is conditional on the
    hash seen when planning).
    """
    started = time.perf_counter()
    font = site_font()  # fail before starting workers when there is no font
    jobs, planned_hashes, unchanged = plan(only_stale=only_stale, post_ids=post_ids)
    summary = BulkSummary(total=len(jobs) + unchanged, unchanged=unchanged)
    items = [(pk, data, font) for pk, data in jobs]
    done = 0
    for batch in _batches(_draw(items, processes), 100):
        with transaction.atomic():
            for result in batch:
                done += 1
                if result.error or result.png is None:
                    summary.failed.append((result.key, result.error))
                    continue
                name = store(result.hash, result.png)
                updated = Post.objects.filter(
                    pk=result.key, ogp_card_hash=planned_hashes[result.key]
                ).update(
                    ogp_card=name,
                    ogp_card_hash=result.hash,
                    ogp_card_note="\n".join(result.warnings),
                )
                if not updated:
                    summary.edited_meanwhile += 1
                    continue
                summary.drawn += 1
                if result.truncated:
                    summary.truncated.append(result.key)
        if progress:
            progress(done, len(items))
    summary.seconds = time.perf_counter() - started
    return summary


def _draw(items: list, processes: int) -> Iterator[ogp.JobResult]:
    if processes <= 1 or len(items) < 2:
        yield from map(ogp.draw_job, items)
        return
    # spawn: workers import only blog.logic.ogp (no Django, no inherited DB connections).
    context = multiprocessing.get_context("spawn")
    chunk = max(1, min(32, len(items) // (processes * 8)))
    with ProcessPoolExecutor(max_workers=processes, mp_context=context) as pool:
        yield from pool.map(ogp.draw_job, items, chunksize=chunk)


def _batches(results: Iterable, size: int) -> Iterator[list]:
    batch = []
    for result in results:
        batch.append(result)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
