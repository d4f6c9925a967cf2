"""The counters beside the editor (characters, reading time, headings, field lengths), without
Django.

Characters are counted the way Japanese editors count a manuscript (文字数): every character of
the text as readers see it counts one, full-width or half-width, kana, kanji, Latin letters,
digits and punctuation alike; spaces and line breaks (including the full-width space) do not;
Markdown syntax does not (the count is taken from the rendered text). Text is NFC-normalised
first, so が typed as か + combining dakuten is one character, as on screen.

Field lengths (title, excerpt, description) are counted exactly as the quality checks count
them (the stripped value's length), so the counter and the finding never disagree.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import asdict, dataclass

SHORT = "short"
OK = "ok"
LONG = "long"


def japanese_length(text: str) -> int:
    """文字数: characters as a reader sees them, without whitespace."""
    normalised = unicodedata.normalize("NFC", text)
    return sum(1 for char in normalised if not char.isspace())


def field_length(value: str) -> int:
    """A metadata field's length as the quality checks measure it."""
    return len(value.strip())


def length_state(length: int, bounds: tuple[int, int]) -> str:
    low, high = bounds
    if length < low:
        return SHORT
    if length > high:
        return LONG
    return OK


@dataclass(frozen=True)
class FieldCount:
    length: int
    min: int
    max: int
    state: str


@dataclass(frozen=True)
class Counters:
    chars: int
    reading_minutes: int
    reading_minutes_override: int | None
    h2: int
    h3: int
    fields: dict[str, FieldCount]

    def to_dict(self) -> dict:
        return asdict(self)


def count(
    *,
    text: str,
    heading_levels: Iterable[int],
    reading_minutes: int,
    reading_minutes_override: int | None = None,
    fields: dict[str, tuple[str, tuple[int, int]]],
) -> Counters:
    """`text` is the rendered body text, `heading_levels` the levels in its table of contents,
    `fields` maps a field name to its value and the configured (min, max)."""
    levels = list(heading_levels)
    return Counters(
        chars=japanese_length(text),
        reading_minutes=reading_minutes,
        reading_minutes_override=reading_minutes_override,
        h2=levels.count(2),
        h3=levels.count(3),
        fields={
            name: FieldCount(
                field_length(value), bounds[0], bounds[1], length_state(field_length(value), bounds)
            )
            for name, (value, bounds) in fields.items()
        },
    )
