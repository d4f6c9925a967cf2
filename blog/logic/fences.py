"""Fenced code blocks in Markdown lines (CommonMark): the one rule the importer's link rewriting
and the quality checks' block reader share, so both agree on what is code."""

import re

# Up to three spaces, then three or more backticks or tildes (an info string may follow).
_FENCE_RE = re.compile(r" {0,3}(`{3,}|~{3,})")


def opening_fence(line: str) -> str | None:
    """The fence marker a line opens a code block with (``` or ~~~~...), or None."""
    match = _FENCE_RE.match(line)
    return match.group(1) if match else None


def closes_fence(line: str, opener: str) -> bool:
    """Whether `line` closes the block `opener` began: the same character, at least as many,
    and nothing else on the line."""
    closing = line.strip()
    return closing.startswith(opener[0] * len(opener)) and not closing.strip(opener[0])
