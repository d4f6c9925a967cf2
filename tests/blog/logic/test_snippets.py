"""Highlighted search snippets (no Django)."""

from blog.logic.snippets import highlight, snippet


def test_matches_next_to_each_other_or_a_space_apart_are_one_mark():
    terms = ("生成", "ai")
    assert highlight("生成AIの話", terms) == "<mark>生成AI</mark>の話"
    assert highlight("生成 AIの話", terms) == "<mark>生成 AI</mark>の話"
    assert highlight("AI生成の話", terms) == "<mark>AI生成</mark>の話"


def test_matches_apart_stay_two_marks():
    assert highlight("生成とAI", ("生成", "ai")) == "<mark>生成</mark>と<mark>AI</mark>"


def test_merged_marks_escape_their_text():
    assert highlight("a <b> a", ("a", "<b>")) == "<mark>a &lt;b&gt; a</mark>"


def test_snippet_merges_marks_too():
    text = "前置き。" * 10 + "生成 AIを使う"
    assert snippet(text, ("生成", "ai")).endswith("<mark>生成 AI</mark>を使う")
