"""The registry the check modules add themselves to: finding codes with their label and default
severity, and the check functions. `checks.py` imports every module and runs them."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from editorial.logic.draft import Config, Draft, Finding, SiteContext

CheckFunction = Callable[[Draft, Config, SiteContext], Iterable[Finding]]


@dataclass(frozen=True)
class CodeInfo:
    code: str
    label: str
    severity: str
    group: str
    description: str = ""

    @property
    def group_label(self) -> str:
        return GROUP_LABELS.get(self.group, self.group)


GROUP_LABELS = {
    "repetition": "繰り返し",
    "leftover": "生成の残骸",
    "title": "タイトル",
    "slug": "スラッグ",
    "excerpt": "リード文",
    "description": "メタディスクリプション",
    "structure": "構成",
    "style": "表記ルール",
    "numbers": "数値",
    "links": "リンク",
    "affiliate": "アフィリエイト表示",
    "reading_time": "読了時間",
    "tags": "タグ",
    "duplicates": "類似記事",
}

CODES: dict[str, CodeInfo] = {}
CHECKS: list[tuple[str, CheckFunction]] = []


def define(code: str, label: str, severity: str, description: str = "") -> str:
    CODES[code] = CodeInfo(code, label, severity, code.split(".")[0], description)
    return code


def check(group: str) -> Callable[[CheckFunction], CheckFunction]:
    def register(function: CheckFunction) -> CheckFunction:
        CHECKS.append((group, function))
        return function

    return register


def finding(code: str, message: str, **fields) -> Finding:
    """A finding with the code's default severity (the runner applies the site's overrides)."""
    severity = fields.pop("severity", None) or CODES[code].severity
    return Finding(code=code, severity=severity, message=message, **fields)


def code_info(code: str) -> CodeInfo:
    """Known codes, and the per-rule codes of house style rules (`style.<key>`)."""
    info = CODES.get(code)
    if info is not None:
        return info
    group = code.split(".")[0]
    return CodeInfo(code, code, "warning", group)
