"""The demo content: the clean published articles have no error, and every defect deliberately
left in the drafts is found."""

import pytest

from blog import demo_content
from editorial.logic.checks import run_checks
from editorial.logic.draft import Book, Config

# demo_content labels -> the finding that reports it
DEFECT_CODES = {
    "duplicated_section": "repetition.section",
    "end_marker": "leftover.end_marker",
    "first_person": "style.voice-watashi-ga",
    "currency_conversion": "numbers.currency_off",
    "padded_title": "title.padding",
}
CONFIG = Config(
    template_disclosure=True, category_names=tuple(c["name"] for c in demo_content.CATEGORIES)
)
CATEGORY_NAMES = {c["slug"]: c["name"] for c in demo_content.CATEGORIES}


def demo_draft(post):
    from editorial.logic.draft import Draft

    return Draft(
        title=post["title"],
        slug=post["slug"],
        excerpt=post["excerpt"],
        description=post["description"],
        body=post["body"],
        tags=tuple(post["tags"]),
        category=CATEGORY_NAMES[post["category"]],
        books=tuple(Book(asin) for asin in post["books"]),
    )


@pytest.mark.parametrize(
    "post", [p for p in demo_content.POSTS if p["status"] == "published"], ids=lambda p: p["slug"]
)
def test_clean_published_demo_articles_have_no_error(post):
    errors = [f for f in run_checks(demo_draft(post), CONFIG) if f.severity == "error"]
    assert not errors, [f.message for f in errors]


@pytest.mark.parametrize(
    "post", [p for p in demo_content.POSTS if p["defects"]], ids=lambda p: p["slug"]
)
def test_every_defect_left_in_the_demo_drafts_is_found(post):
    found = {f.code for f in run_checks(demo_draft(post), CONFIG)}
    assert {DEFECT_CODES[label] for label in post["defects"]} <= found


def test_every_demo_defect_label_is_mapped():
    labels = {label for post in demo_content.POSTS for label in post["defects"]}
    assert labels <= set(DEFECT_CODES)
