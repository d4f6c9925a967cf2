"""Side-by-side diffs that work for Japanese text, without Django.

Japanese has no spaces, so word diffs are useless and whole-line diffs hide a one-character fix
in a 300-character paragraph. Lines are matched first (difflib), then each pair of changed
lines is compared character by character, and the changed runs are marked.
"""

from dataclasses import dataclass
from difflib import SequenceMatcher
from html import escape


@dataclass(frozen=True)
class Row:
    """One row of a side-by-side diff; `left_html`/`right_html` are escaped, with <del>/<ins>."""

    kind: str  # "equal", "replace", "delete", "insert"
    left_no: int | None
    left_html: str
    right_no: int | None
    right_html: str


def inline_diff(old: str, new: str) -> tuple[str, str]:
    """Escape both lines and mark the characters that differ."""
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    left, right = [], []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        a, b = escape(old[i1:i2]), escape(new[j1:j2])
        if tag == "equal":
            left.append(a)
            right.append(b)
            continue
        if a:
            left.append(f"<del>{a}</del>")
        if b:
            right.append(f"<ins>{b}</ins>")
    return "".join(left), "".join(right)


def side_by_side(old: str, new: str, *, context: int | None = 3) -> list[Row]:
    """Rows for a two-column diff. With `context`, unchanged runs longer than that are cut to
    `context` lines on each side of a change (a Row of kind "skip" marks the gap)."""
    a, b = old.splitlines(), new.splitlines()
    rows: list[Row] = []
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for k in range(i2 - i1):
                line = escape(a[i1 + k])
                rows.append(Row("equal", i1 + k + 1, line, j1 + k + 1, line))
        elif tag == "replace":
            pairs = max(i2 - i1, j2 - j1)
            for k in range(pairs):
                left = a[i1 + k] if i1 + k < i2 else None
                right = b[j1 + k] if j1 + k < j2 else None
                if left is not None and right is not None:
                    lh, rh = inline_diff(left, right)
                    rows.append(Row("replace", i1 + k + 1, lh, j1 + k + 1, rh))
                elif left is not None:
                    rows.append(Row("delete", i1 + k + 1, f"<del>{escape(left)}</del>", None, ""))
                else:
                    rows.append(Row("insert", None, "", j1 + k + 1, f"<ins>{escape(right)}</ins>"))
        elif tag == "delete":
            for k in range(i1, i2):
                rows.append(Row("delete", k + 1, f"<del>{escape(a[k])}</del>", None, ""))
        else:
            for k in range(j1, j2):
                rows.append(Row("insert", None, "", k + 1, f"<ins>{escape(b[k])}</ins>"))
    return _trim(rows, context) if context is not None else rows


def _trim(rows: list[Row], context: int) -> list[Row]:
    changed = [i for i, row in enumerate(rows) if row.kind != "equal"]
    keep = set()
    for i in changed:
        keep.update(range(max(0, i - context), min(len(rows), i + context + 1)))
    out: list[Row] = []
    skipped = False
    for i, row in enumerate(rows):
        if i in keep:
            out.append(row)
            skipped = False
        elif not skipped:
            out.append(Row("skip", None, "…", None, "…"))
            skipped = True
    return out


def field_changes(old: dict, new: dict) -> list[str]:
    """Names of the snapshot fields that differ between two revisions."""
    return sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))
