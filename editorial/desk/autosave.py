"""The desk's autosave slot: a separate row per editor and post that only its owner sees,
offered back when the stored post has not moved on since."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from taggit.utils import parse_tags

from blog.models import Category, Post
from editorial.desk.preview import lf
from editorial.logic.diff import side_by_side
from editorial.logic.draft import FORM_FIELD_LABELS, TEXT_FIELDS
from editorial.models import AutosaveSlot

# What the autosave slot keeps: the fields an editor types into (not files, not the status).
AUTOSAVE_FIELDS = (*TEXT_FIELDS, "tags", "category", "reading_time_override")
AUTOSAVE_LABELS = {name: FORM_FIELD_LABELS[name] for name in AUTOSAVE_FIELDS}
MAX_FIELD_CHARS = 1_000_000


def autosave_data(data) -> dict[str, str]:
    return {name: lf(data[name])[:MAX_FIELD_CHARS] for name in AUTOSAVE_FIELDS if name in data}


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
    return lf(saved).strip() == lf(stored).strip()


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
        changes.append((name, AUTOSAVE_LABELS[name], side_by_side(lf(old), lf(new))))
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
