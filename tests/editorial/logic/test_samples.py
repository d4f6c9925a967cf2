"""The checks against real posts of the old site (../shared/samples/jekyll-site), parsed here
directly: every defect the issue lists that occurs in a sample must be found.

Two kinds of evidence: simple independent detectors (a literal `---END---`, a conflict marker
line, 「私が」, the same paragraph twice...) that say a defect is present, and a table of the
defects an editor found by reading the samples, for those a grep cannot see.
"""

import datetime as dt
import re
from functools import cache

import pytest
import yaml

from editorial.logic.checks import fix_rounds, run_checks
from editorial.logic.draft import Config, Draft, PostRef, SiteContext
from editorial.logic.duplicates import NearDuplicateIndex
from editorial.logic.leftovers import chatter_matches
from editorial.logic.text import CONFLICT_LINE_RE, MARKER_LINE_RE, key, sentence_spans
from tests.samples import POSTS as POSTS_DIR
from tests.samples import needs

pytestmark = needs(POSTS_DIR)
CONFIG = Config(associate_tag="nullpodesu-22")  # the old site printed no disclosure on top
BULK_CODES = (
    "repetition.paragraph",
    "repetition.section",
    "repetition.footer",
    "leftover.end_marker",
    "leftover.conflict",
    "leftover.chatter",
    "leftover.liquid",
)


def _date(value) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    return dt.datetime.strptime(str(value), "%Y-%m-%d %H:%M:%S %z")


@cache
def load(name: str) -> Draft:
    text = (POSTS_DIR / name).read_text(encoding="utf-8")
    _, front, body = re.split(r"^---\s*$", text, maxsplit=2, flags=re.M)
    meta = yaml.safe_load(front)
    categories = meta.get("categories") or []
    return Draft(
        title=meta.get("title", ""),
        slug=name[len("YYYY-MM-DD-") : -len(".md")],
        excerpt=meta.get("excerpt", ""),
        description=meta.get("description", ""),
        body=body.lstrip("\n"),
        tags=tuple(meta.get("tags") or ()),
        category=categories[0] if categories else "",
        reading_time_override=meta.get("reading_time"),
        published_at=_date(meta["date"]),
    )


def sample_names() -> list[str]:
    return sorted(p.name for p in POSTS_DIR.glob("*.md")) if POSTS_DIR.is_dir() else []


@cache
def found_codes(name: str) -> set[str]:
    return {f.code for f in run_checks(load(name), CONFIG, SiteContext())}


# --- independent detectors -------------------------------------------------------------------


def _paragraphs(body: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", body) if p.strip()]


def present_defects(draft: Draft) -> dict[str, set[str]]:
    """defect -> codes any of which counts as finding it."""
    body = draft.body
    everything = "\n".join([draft.title, draft.excerpt, draft.description, body])
    defects: dict[str, set[str]] = {}
    if "---END---" in body:
        defects["---END---"] = {"leftover.end_marker"}
    if re.search(r"^(<{7}|>{7})", body, re.M):
        defects["conflict markers"] = {"leftover.conflict"}
    if "私が" in everything:
        defects["私が"] = {"style.voice-watashi-ga"}
    if "僕が" in everything:
        defects["僕が"] = {"style.voice-boku-ga"}
    long = [p for p in _paragraphs(body) if len(p) >= 80 and not p.startswith(("#", "-", "|"))]
    if len(long) != len(set(long)):
        defects["paragraph pasted twice"] = {"repetition.paragraph", "repetition.section"}
    if re.search(r"\{%.*?%\}", body):
        defects["Liquid tag"] = {"leftover.liquid"}
    if re.search(r"[\d,]+億(?:米)?ドル（約[\d,]+億円", everything):
        defects["dollars to yen off by 1000"] = {"numbers.currency_off"}
    if "申し訳ありません" in draft.title:
        defects["apology as title"] = {"title.llm_failure"}
    for heading in ("あわせて読みたい", "おすすめ書籍", "関連記事"):
        if len(re.findall(rf"^#+ .*{heading}", body, re.M)) >= 2:
            defects[f"footer 「{heading}」 repeated"] = {"repetition.footer"}
    if any(len(line) > 1000 and re.search(r" #{2,6} |。 \*\*", line) for line in body.split("\n")):
        defects["Markdown collapsed onto one line"] = {"structure.collapsed"}
    if draft.slug.endswith("-"):
        defects["trailing-hyphen slug"] = {"slug.hyphen"}
    amazon = body.find("amazon.co.jp")
    if amazon >= 0 and not (
        "アフィリエイト" in body[:amazon] and body.find("アフィリエイト") < 2000
    ):
        defects["affiliate links without disclosure on top"] = {"affiliate.disclosure"}
    return defects


@pytest.mark.parametrize("name", sample_names())
def test_every_detectable_defect_in_a_sample_is_found(name):
    draft = load(name)
    codes = found_codes(name)
    missing = {
        defect: wanted for defect, wanted in present_defects(draft).items() if not wanted & codes
    }
    assert not missing, f"{name}: not found: {missing}"


def test_the_detectors_see_the_defects_the_samples_are_known_for():
    """Guards the test above against passing vacuously."""
    seen = set()
    for name in sample_names():
        seen.update(present_defects(load(name)))
    assert {
        "---END---",
        "conflict markers",
        "私が",
        "僕が",
        "paragraph pasted twice",
        "Liquid tag",
        "dollars to yen off by 1000",
        "apology as title",
        "Markdown collapsed onto one line",
        "trailing-hyphen slug",
        "affiliate links without disclosure on top",
    } <= seen
    assert any(defect.startswith("footer") for defect in seen)


# --- defects an editor found by reading the samples -------------------------------------------

KNOWN = {
    # Voiced marks lost in the file names (the titles have them).
    "2025-08-29-08-aiエーシェント本格普及.md": {
        "slug.voiced_marks",
        "title.brackets",
        "title.year",
    },
    "2025-08-29-08-ハナソニック-コネクトやホルホによる産業業務へのai活.md": {"slug.voiced_marks"},
    "2025-08-29-08-マルチモータルaiのevolution.md": {"slug.voiced_marks", "title.padding"},
    # The title repeated as the first line, the collapsed 9,556-character line, prompt echo.
    "2025-09-24-3-stargateai.md": {
        "leftover.title_repeated",
        "structure.collapsed",
        "leftover.chatter",
        "leftover.cut_off",
        "title.padding",
    },
    # An LLM's apology as title, excerpt, description and first paragraphs.
    "2025-10-31-3-ai-article-update.md": {
        "title.llm_failure",
        "excerpt.chatter",
        "description.chatter",
        "leftover.chatter",
        "repetition.paragraph",
    },
    # Footer blocks in the middle of the body and repeated; links with lost voiced marks.
    "2026-02-12-1-amazonai25.md": {
        "repetition.footer",
        "structure.footer_mid_body",
        "links.slug_garbled",
        "leftover.chatter",
    },
    "2026-02-13-1-dxai.md": {"leftover.liquid", "structure.footer_mid_body", "tags.category"},
    # The brief's article: body pasted twice around the footers, 8,300億ドル（約1,250億円）.
    "2026-02-24-2-open-source-llm-vs-gpt4o-impac.md": {
        "repetition.section",
        "numbers.currency_off",
        "structure.footer_mid_body",
        "affiliate.disclosure",
        "structure.setext",
    },
    "2026-02-24-3-eu-ai-law-enterprise-strategy.md": {
        "leftover.conflict",
        "structure.collapsed",
        "links.slug_garbled",
    },
    "2026-03-07-2-ai-company-funding-industry-sh.md": {
        "numbers.currency_off",
        "structure.collapsed",
    },
}


@pytest.mark.parametrize("name", sorted(KNOWN))
def test_defects_found_by_reading_the_samples_are_reported(name):
    if not (POSTS_DIR / name).exists():
        pytest.skip(f"{name} is not among the samples")
    assert KNOWN[name] <= found_codes(name)


def test_the_wrong_conversion_in_the_brief_article_gets_the_corrected_amount():
    findings = run_checks(load("2026-02-24-2-open-source-llm-vs-gpt4o-impac.md"), CONFIG)
    [first, *_] = [f for f in findings if f.code == "numbers.currency_off"]
    assert first.excerpt == "8,300億ドル（約1,250億円）"
    assert "約125兆円" in first.message and first.fix.edits[0].replacement == "125兆"


def test_the_two_posts_on_one_topic_are_near_duplicates():
    index = NearDuplicateIndex(CONFIG)
    names = sample_names()
    for number, name in enumerate(names):
        draft = load(name)
        index.add(PostRef(number, draft.title, name), draft.title, draft.text or "")
    first = names.index("2025-08-29-08-aiエーシェント本格普及.md")
    second = names.index("2025-08-30-08-aiエーシェント本格普及.md")
    draft = load(names[first])
    similar = index.similar(first, draft.title, draft.text or "")
    assert second in [s.ref.id for s in similar]


# --- the bulk fixes on real posts -----------------------------------------------------------


def _kept_keys(body: str) -> set[str]:
    return {key(body[s:e]) for s, e in sentence_spans(body)}


@pytest.mark.parametrize("name", sample_names())
def test_bulk_fixes_remove_leftovers_and_never_the_last_copy_of_any_text(name):
    draft = load(name)

    def make_draft(texts, changed):
        if not changed:
            return draft
        return Draft(
            **{**{f: getattr(draft, f) for f in ("tags", "category", "published_at")}, **texts}
        )

    texts = {f: getattr(draft, f) for f in ("title", "slug", "excerpt", "description", "body")}
    fixed, counts = fix_rounds(texts, make_draft, BULK_CODES, CONFIG, SiteContext())
    body = fixed["body"]
    assert "---END---" not in body
    assert not any(CONFLICT_LINE_RE.match(line) for line in body.split("\n"))
    # Every sentence of the original is still there, except the markers and the chatter that
    # the fixes exist to remove.
    kept = _kept_keys(body)
    lost = []
    for start, end in sentence_spans(draft.body):
        sentence = draft.body[start:end]
        if MARKER_LINE_RE.match(sentence) or CONFLICT_LINE_RE.match(sentence):
            continue
        if chatter_matches(sentence) or re.search(r"\{%.*?%\}", sentence):
            continue
        if key(sentence) and key(sentence) not in kept:
            lost.append(sentence)
    assert not lost, f"{name}: lost {lost[:3]}"
    if "---END---" in draft.body:
        assert counts["leftover.end_marker"] >= 1


# --- internal links judged against the sample site's own URLs ---------------------------------


def test_links_to_posts_that_do_not_exist_are_errors_and_links_to_real_posts_are_not():
    import csv

    from editorial.logic.draft import ERROR
    from editorial.logic.links import internal_path, links_of

    with (POSTS_DIR.parent / "EXPECTED_URLS.tsv").open(encoding="utf-8") as handle:
        urls = {
            row["file"]: row["url_on_the_old_site"]
            for row in csv.DictReader(handle, delimiter="\t")
        }
    context = SiteContext(
        published_paths=frozenset(urls.values()),
        published_posts={
            url: PostRef(number, load(name).title, url)
            for number, (name, url) in enumerate(sorted(urls.items()))
        },
    )
    article = re.compile(r"^/\d{4}/\d{2}/\d{2}/[^/]+/?$")
    judged_missing = judged_real = 0
    for name in sample_names():
        draft = load(name)
        missing = {
            f.excerpt
            for f in run_checks(draft, CONFIG, context)
            if f.code == "links.internal_missing"
        }
        assert all(
            f.severity == ERROR
            for f in run_checks(draft, CONFIG, context)
            if f.code == "links.internal_missing"
        )
        for link in links_of(draft):
            path = internal_path(link.url, CONFIG)
            if path is None or not article.match(path):
                continue
            path = path if path.endswith("/") else path + "/"
            if path in context.published_paths:
                assert link.url not in missing, f"{name}: {link.url} exists but was reported"
                judged_real += 1
            elif path not in context.redirect_targets:
                assert link.url in missing, f"{name}: {link.url} does not exist, not reported"
                judged_missing += 1
    # The samples link both to each other and to posts outside the sample.
    assert judged_missing > 0 and judged_real > 0, (judged_missing, judged_real)
