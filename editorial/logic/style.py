"""House style rules that editors maintain in the admin (literal text or a regular expression,
a message, a severity and an optional replacement). Seeded with the site's voice rule: the first
person is 「編集部では」「取材によると」, never 「私が」「僕が」."""

from __future__ import annotations

import re
from collections.abc import Iterator

from editorial.logic.draft import (
    Config,
    Draft,
    Edit,
    Finding,
    Fix,
    SiteContext,
    StyleRule,
)
from editorial.logic.registry import check, finding
from editorial.logic.text import snippet

_FIELDS = ("title", "excerpt", "description", "body")


def compile_rule(rule: StyleRule) -> re.Pattern[str]:
    """The rule's pattern; raises re.error for an invalid regular expression."""
    return re.compile(rule.pattern if rule.is_regex else re.escape(rule.pattern))


def rule_code(rule: StyleRule) -> str:
    return f"style.{rule.key}"


def _replacement(rule: StyleRule, match: re.Match[str]) -> str:
    if not rule.is_regex:
        return rule.replacement
    try:
        return match.expand(rule.replacement)
    except (re.error, IndexError):
        return rule.replacement


@check("style")
def check_style(draft: Draft, config: Config, context: SiteContext) -> Iterator[Finding]:
    doc = draft.doc
    code_ranges = doc.code_ranges
    for rule in config.style_rules:
        try:
            pattern = compile_rule(rule)
        except re.error:
            continue  # the admin refuses these; never let one break the checks
        code = rule_code(rule)
        count = 0
        hidden = 0
        first_hidden: tuple[str, int | None, int] | None = None
        for field in _FIELDS:
            text = draft.field_text(field)
            for match in pattern.finditer(text):
                if not match.group():
                    continue
                if field == "body" and any(s <= match.start() < e for s, e in code_ranges):
                    continue
                count += 1
                line = doc.line_at(match.start()) if field == "body" else None
                if count > config.max_findings_per_rule:
                    hidden += 1
                    first_hidden = first_hidden or (field, line, match.start())
                    continue
                message = rule.message.replace("{match}", match.group())
                where = f"{line}行目" if line else ""
                fix = None
                if rule.replacement:
                    replacement = _replacement(rule, match)
                    fix = Fix(
                        f"「{match.group()}」を「{replacement}」に置き換える",
                        field,
                        (Edit(match.start(), match.end(), replacement),),
                    )
                yield finding(
                    code,
                    f"{where}{'：' if where else ''}{message}",
                    severity=rule.severity,
                    field=field,
                    line=line,
                    start=match.start(),
                    end=match.end(),
                    excerpt=snippet(text[max(0, match.start() - 15) : match.end() + 15], 50),
                    fix=fix,
                )
        if hidden and first_hidden:
            field, line, start = first_hidden
            yield finding(
                code,
                f"「{rule.name or rule.pattern}」はほかに{hidden}か所あります（{line or ''}"
                f"{'行目以降、' if line else ''}表示を省略）。",
                severity=rule.severity,
                field=field,
                line=line,
                start=start,
            )
