"""Fenced code blocks: one rule for the importer's link rewriting and the quality checks."""

import pytest

from blog.logic.fences import closes_fence, opening_fence
from blog.logic.jekyll import rewrite_post_links
from editorial.logic.text import Doc


@pytest.mark.parametrize(
    ("line", "marker"),
    [("```", "```"), ("```python", "```"), ("   ~~~~", "~~~~"), ("    ```", None), ("``", None)],
)
def test_an_opening_fence_has_three_or_more_marks_after_at_most_three_spaces(line, marker):
    assert opening_fence(line) == marker


@pytest.mark.parametrize(
    ("line", "opener", "closes"),
    [
        ("```", "```", True),
        ("  `````  ", "```", True),
        ("```", "````", False),  # shorter than the opener
        ("~~~", "```", False),  # the other character
        ("```python", "```", False),  # a closing fence carries no info string
    ],
)
def test_a_closing_fence_matches_its_opener(line, opener, closes):
    assert closes_fence(line, opener) is closes


BODY = "前文\n\n````\n```\n[旧](/2025/08/29/old/)\n````\n\n[旧](/2025/08/29/old/)\n"


def test_the_importer_and_the_checks_agree_on_what_is_code():
    body, rewrites, _ = rewrite_post_links(
        BODY, lambda path, text: "/2025/08/30/old/", ["ai-media.co.jp"]
    )
    assert [r.line for r in rewrites] == [8]  # the link inside the four-backtick block stays
    code = [b for b in Doc(BODY).blocks if b.kind == "code"]
    assert len(code) == 1 and (code[0].first, code[0].last) == (3, 6)
