"""Jekyll front matter (YAML between `---` lines) and its dates, without Django.

The old site's files come in every shape a hand- and AI-edited repository produces: a UTF-8
byte-order mark, Windows line ends, keys written twice (Jekyll, like PyYAML, keeps the last
one), unquoted flow lists (`[AI技術ガイド]`), inline JSON objects, and dates with `+0000` or
`+0900` offsets, which YAML does not recognise as timestamps and leaves as strings. This
module reads all of them and says precisely (line, reason in Japanese) what it cannot read.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import yaml

# libyaml's parser when available (several times faster); construction stays in Python.
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_DELIMITER_RE = re.compile(r"---[ \t]*")
_CLOSING_RE = re.compile(r"(?:---|\.\.\.)[ \t]*")


class FrontMatterError(ValueError):
    """The file cannot be read as a post; `line` is 1-based in the file (None: whole file)."""

    def __init__(self, line: int | None, reason: str) -> None:
        super().__init__(reason)
        self.line = line
        self.reason = reason


@dataclass(frozen=True)
class DuplicateKey:
    key: str
    line: int  # the repeated occurrence (the one whose value is kept)
    first_line: int


@dataclass(frozen=True)
class Document:
    data: dict[str, Any]
    body: str
    body_line: int  # 1-based file line on which the body starts
    key_lines: dict[str, int] = field(default_factory=dict)  # top-level key -> line (last one)
    duplicate_keys: tuple[DuplicateKey, ...] = ()
    had_bom: bool = False
    had_crlf: bool = False


def decode(raw: bytes) -> tuple[str, bool]:
    """UTF-8 text without a byte-order mark, and whether there was one."""
    had_bom = raw.startswith(b"\xef\xbb\xbf")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise FrontMatterError(
            line, f"UTF-8 として読めないバイトがあります（{exc.start}バイト目）。"
        ) from None
    return text, had_bom


def parse_document(source: bytes | str) -> Document:
    """Split a post file into its front matter (parsed) and its Markdown body."""
    if isinstance(source, bytes):
        text, had_bom = decode(source)
    else:
        had_bom = source.startswith("\ufeff")
        text = source.removeprefix("\ufeff")
    had_crlf = "\r" in text
    if had_crlf:
        text = text.replace("\r\n", "\n").replace("\r", "\n")

    lines = text.split("\n")
    if not lines or not _DELIMITER_RE.fullmatch(lines[0]):
        raise FrontMatterError(
            1, "先頭行が「---」ではありません（front matter がないファイルは記事になりません）。"
        )
    closing = next(
        (i for i in range(1, len(lines)) if _CLOSING_RE.fullmatch(lines[i])),
        None,
    )
    if closing is None:
        raise FrontMatterError(1, "front matter の終わりの「---」が見つかりません。")

    yaml_text = "\n".join(lines[1:closing])
    data, key_lines, duplicates = _load_mapping(yaml_text, first_line=2)
    return Document(
        data=data,
        body="\n".join(lines[closing + 1 :]),
        body_line=closing + 2,
        key_lines=key_lines,
        duplicate_keys=tuple(duplicates),
        had_bom=had_bom,
        had_crlf=had_crlf,
    )


def _load_mapping(
    yaml_text: str, *, first_line: int
) -> tuple[dict[str, Any], dict[str, int], list[DuplicateKey]]:
    loader = _BaseLoader(yaml_text)
    try:
        node = loader.get_single_node()
        if node is None:
            return {}, {}, []
        if not isinstance(node, yaml.MappingNode):
            raise FrontMatterError(
                first_line + node.start_mark.line,
                "front matter が「キー: 値」の形になっていません。",
            )
        key_lines: dict[str, int] = {}
        duplicates: list[DuplicateKey] = []
        for key_node, _value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                continue
            line = first_line + key_node.start_mark.line
            if key_node.value in key_lines:
                duplicates.append(DuplicateKey(key_node.value, line, key_lines[key_node.value]))
            key_lines[key_node.value] = line
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if exc.context_mark is not None and "end of stream" in (exc.problem or ""):
            # An unclosed bracket or quote is only noticed at the end: point at its start.
            mark = exc.context_mark
        last_line = first_line + yaml_text.count("\n")
        line = min(first_line + mark.line, last_line) if mark is not None else None
        detail = exc.problem or exc.context or "構文エラー"
        raise FrontMatterError(
            line, f"front matter の YAML を解析できません（{detail}）。"
        ) from None
    except yaml.YAMLError as exc:
        raise FrontMatterError(None, f"front matter の YAML を解析できません（{exc}）。") from None
    finally:
        loader.dispose()
    # YAML allows non-string keys (`2025: x`); Jekyll reads them as strings.
    return {str(key): value for key, value in data.items()}, key_lines, duplicates


# --- dates -----------------------------------------------------------------------------------

_DATE_RE = re.compile(
    r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
    r"(?:(?:[Tt]|[ \t]+)(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:\.(?P<f>\d+))?)?)?"
    r"[ \t]*(?P<tz>Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?"
)


def parse_date(value: Any, tz_name: str) -> dt.datetime:
    """An aware datetime from a front-matter `date`.

    Like Jekyll, a date or time without an offset is read in the site's time zone.
    Raises ValueError with a Japanese reason.
    """
    tz = ZoneInfo(tz_name)
    if isinstance(value, dt.datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=tz)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=tz)
    if not isinstance(value, str):
        raise ValueError(f"日付の形式ではありません（{type(value).__name__} の値）。")
    match = _DATE_RE.fullmatch(value.strip())
    if match is None:
        raise ValueError(f"日付として読めません（「{value}」）。例: 2025-08-29 17:25:03 +0900")
    parts = match.groupdict()
    fraction = (parts["f"] or "0")[:6].ljust(6, "0")
    try:
        naive = dt.datetime(
            int(parts["y"]),
            int(parts["m"]),
            int(parts["d"]),
            int(parts["H"] or 0),
            int(parts["M"] or 0),
            int(parts["S"] or 0),
            int(fraction),
        )
    except ValueError:
        raise ValueError(f"存在しない日時です（「{value}」）。") from None
    offset = parts["tz"]
    if offset is None:
        return naive.replace(tzinfo=tz)
    if offset in {"Z", "UTC", "GMT"}:
        return naive.replace(tzinfo=dt.UTC)
    sign = -1 if offset[0] == "-" else 1
    digits = offset[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    if hours > 23 or minutes > 59:
        raise ValueError(f"時差の表記が正しくありません（「{offset}」）。")
    delta = dt.timedelta(hours=hours, minutes=minutes)
    return naive.replace(tzinfo=dt.timezone(sign * delta))


# --- values for JSON storage -----------------------------------------------------------------


def jsonable(value: Any) -> Any:
    """Front-matter values as JSON can store them (dates as ISO strings), nothing dropped."""
    if isinstance(value, dict):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set):
        return [jsonable(item) for item in value]
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)
