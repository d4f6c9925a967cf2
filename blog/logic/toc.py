"""The table of contents as a tree, without Django.

The renderer records headings in document order (`Post.toc`: level, id, title). A page shows
them as nested lists: each heading holds the deeper headings that follow it, so an h3 belongs
to the h2 above it and is numbered within it (2.1, 2.2), while the top level reads 1, 2, 3.
Real articles are not always tidy:

- a level may be skipped (h2 then h4): the deeper heading goes one step down, not two;
- an article may open with subheadings before its first heading: they have no heading to
  belong to, so they are listed first at the top level, unnumbered, and the numbering of the
  headings still starts at 1.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass
class TocItem:
    level: int
    id: str
    title: str
    number: tuple[int, ...] = ()  # (2, 1) for "2.1"; empty when not numbered
    children: list[TocItem] = field(default_factory=list)

    @property
    def numbered(self) -> bool:
        return bool(self.number)

    @property
    def label(self) -> str:
        """「1.」 at the top level, 「2.1」 below it, "" when not numbered."""
        if not self.number:
            return ""
        if len(self.number) == 1:
            return f"{self.number[0]}."
        return ".".join(str(n) for n in self.number)


def nest_toc(entries: Iterable[Mapping[str, Any]]) -> list[TocItem]:
    """The entries (dicts with level, id and title, in document order) as a tree."""
    flat = [
        TocItem(level=int(entry["level"]), id=str(entry["id"]), title=str(entry["title"]))
        for entry in entries
    ]
    if not flat:
        return []
    top_level = min(item.level for item in flat)
    roots: list[TocItem] = []
    # The open branch: the latest item at each depth, shallowest first.
    branch: list[TocItem] = []
    for item in flat:
        while branch and branch[-1].level >= item.level:
            branch.pop()
        if branch:
            parent = branch[-1]
            if parent.numbered:
                item.number = (*parent.number, len(parent.children) + 1)
            parent.children.append(item)
        else:
            if item.level == top_level:
                item.number = (sum(1 for root in roots if root.numbered) + 1,)
            roots.append(item)
        branch.append(item)
    return roots
