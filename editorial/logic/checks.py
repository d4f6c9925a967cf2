"""The quality checks for AI-assisted articles: run them all on a Draft, apply their fixes.

Each check module registers its finding codes (with a Japanese label and a default severity)
and its check function in `registry`. `error` blocks publishing, `warning` and `info` do not;
a site can change any code's severity or turn it off (Config.severities).

    findings = run_checks(Draft(title=..., body=...), Config(), SiteContext())
    texts, applied = apply_fixes({"body": body}, [f.fix for f in findings if f.fix])
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping

# Importing the modules registers their checks.
from editorial.logic import (  # noqa: F401
    duplicates,
    leftovers,
    links,
    meta,
    numbers,
    repetition,
    structure,
    style,
    titles,
)
from editorial.logic.draft import (
    FIELDS,
    OFF,
    SEVERITY_RANK,
    Config,
    Draft,
    Finding,
    Fix,
    SiteContext,
)
from editorial.logic.registry import CHECKS, CODES, CodeInfo, code_info

__all__ = [
    "CODES",
    "CodeInfo",
    "Config",
    "Draft",
    "Finding",
    "SiteContext",
    "apply_fixes",
    "code_info",
    "describe",
    "fix_rounds",
    "matches_codes",
    "run_checks",
]

_FIELD_ORDER = {name: i for i, name in enumerate(FIELDS)}


def run_checks(
    draft: Draft, config: Config | None = None, context: SiteContext | None = None
) -> list[Finding]:
    """All findings for `draft`, with the site's severities, most severe first, then in the
    order an editor reads the post (title, slug, excerpt, description, body by line)."""
    config = config or Config()
    context = context or SiteContext()
    results = []
    for _group, function in CHECKS:
        for found in function(draft, config, context):
            severity = config.severity(found.code, found.severity)
            if severity == OFF:
                continue
            if severity != found.severity:
                found = _with_severity(found, severity)
            results.append(found)
    results.sort(key=_order)
    return results


def _with_severity(found: Finding, severity: str) -> Finding:
    from dataclasses import replace

    return replace(found, severity=severity)


def _order(found: Finding) -> tuple:
    return (
        SEVERITY_RANK.get(found.severity, 9),
        _FIELD_ORDER.get(found.field, 99),
        found.line or 0,
        found.start or 0,
        found.code,
    )


def describe(code: str, config: Config) -> CodeInfo:
    """A code's label and its severity on this site (house style rules carry their own)."""
    info = code_info(code)
    if code.startswith("style."):
        rule = next((r for r in config.style_rules if f"style.{r.key}" == code), None)
        if rule is not None:
            info = CodeInfo(code, rule.name or rule.pattern, rule.severity, "style")
    severity = config.severity(code, info.severity)
    if severity != info.severity:
        info = CodeInfo(info.code, info.label, severity, info.group, info.description)
    return info


def matches_codes(code: str, selection: Iterable[str]) -> bool:
    """`--fix repetition` selects every `repetition.*` code; `--fix leftover.end_marker` one."""
    return any(code == wanted or code.startswith(wanted.rstrip(".") + ".") for wanted in selection)


def apply_fixes(texts: Mapping[str, str], fixes: Iterable[Fix]) -> tuple[dict[str, str], list[Fix]]:
    """Apply as many of `fixes` as possible to the field texts; returns the new texts and the
    fixes applied. A fix applies whole or not at all; one overlapping an earlier fix is
    skipped (run the checks again for another round). A fix whose `must_remain` text would
    disappear (the kept copy of a duplicate) is dropped, so no text ever loses its last copy."""
    chosen: list[Fix] = []
    taken: dict[str, list[tuple[int, int]]] = {}
    for fix in fixes:
        if fix.field not in texts:
            continue
        spans = taken.setdefault(fix.field, [])
        if any(_overlaps(edit.start, edit.end, s, e) for edit in fix.edits for s, e in spans):
            continue
        edits = sorted((edit.start, edit.end) for edit in fix.edits)
        if any(_overlaps(*a, *b) for a, b in zip(edits, edits[1:], strict=False)):
            continue
        chosen.append(fix)
        spans.extend(edits)
    while True:
        result = _apply(texts, chosen)
        broken = next(
            (
                fix
                for fix in chosen
                if any(
                    kept not in result[fix.field] for edit in fix.edits for kept in edit.must_remain
                )
            ),
            None,
        )
        if broken is None:
            return result, chosen
        chosen.remove(broken)


def fix_rounds(
    texts: Mapping[str, str],
    make_draft: Callable[[dict[str, str], bool], Draft],
    codes: Iterable[str],
    config: Config,
    context: SiteContext,
    *,
    rounds: int = 5,
) -> tuple[dict[str, str], Counter]:
    """Apply the safe fixes of `codes` round after round (a removed conflict marker can reveal
    a duplicate, a removed duplicate can make a footer the second copy) until nothing is left
    to fix. `make_draft(texts, changed)` builds the Draft for the current texts. Returns the
    texts and how many fixes of each code were applied."""
    codes = list(codes)
    current = dict(texts)
    counts: Counter = Counter()
    for _ in range(rounds):
        owner: dict[Fix, str] = {}
        for found in run_checks(make_draft(current, bool(counts)), config, context):
            usable = found.fix is not None and found.fix.safe and matches_codes(found.code, codes)
            if usable and found.fix not in owner:
                owner[found.fix] = found.code
        if not owner:
            break
        current, applied = apply_fixes(current, owner)
        if not applied:
            break
        counts.update(owner[fix] for fix in applied)
    return current, counts


def _overlaps(start: int, end: int, other_start: int, other_end: int) -> bool:
    if start == end or other_start == other_end:  # insertions collide only at the same place
        return other_start <= start <= other_end if start == end else start <= other_start <= end
    return start < other_end and other_start < end


def _apply(texts: Mapping[str, str], fixes: list[Fix]) -> dict[str, str]:
    result = dict(texts)
    by_field: dict[str, list] = {}
    for fix in fixes:
        by_field.setdefault(fix.field, []).extend(fix.edits)
    for field, edits in by_field.items():
        text = result[field]
        for edit in sorted(edits, key=lambda e: (e.start, e.end), reverse=True):
            text = text[: edit.start] + edit.replacement + text[edit.end :]
        result[field] = text
    return result


# --- worker processes (check_posts --jobs) ---------------------------------------------------

_worker: tuple[Config, SiteContext] | None = None


def init_worker(config: Config, context: SiteContext) -> None:
    """Set once in each worker process: the configuration and site context of the run."""
    global _worker
    _worker = (config, context)


def check_fields(fields: dict) -> list[Finding]:
    """Build the Draft from plain values and check it, in a worker process."""
    assert _worker is not None, "init_worker() was not called in this process"
    config, context = _worker
    return run_checks(Draft(**fields), config, context)
