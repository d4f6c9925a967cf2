"""CJK bigram tokenisation (no database)."""

from blog.logic.search_tokens import document_tokens, parse_query, unique_tokens
from blog.logic.snippets import highlight, snippet


def test_cjk_runs_become_overlapping_bigrams_and_latin_runs_words():
    assert document_tokens("生成AIの活用") == ["生成", "ai", "の活", "活用"]
    assert document_tokens("GPT-4o 価格") == ["gpt", "4o", "価格"]


def test_text_is_nfkc_normalised_and_lower_cased():
    assert document_tokens("ＡＩ導入") == ["ai", "導入"]
    assert document_tokens("ｶﾀｶﾅ") == ["カタ", "タカ", "カナ"]


def test_single_cjk_character_is_kept_and_queried_as_a_prefix():
    assert document_tokens("AI と 人") == ["ai", "と", "人"]
    query = parse_query("生")
    assert query.to_tsquery() == "'生':*"
    assert query.to_fts5() == '"生"*'


def test_two_character_query_is_one_bigram():
    assert parse_query("生成").to_tsquery() == "'生成'"


def test_mixed_query_needs_every_token():
    query = parse_query("GPT-4o 価格")
    assert query.to_tsquery() == "'gpt' & '4o' & '価格'"
    assert query.to_fts5() == '"gpt" AND "4o" AND "価格"'


def test_punctuation_and_quotes_never_reach_the_query_syntax():
    query = parse_query("\"' OR 1=1 -- ；「」")
    assert "'" not in query.to_tsquery().replace("'or'", "").replace("'1'", "")
    assert query.to_fts5() == '"or" AND "1"'
    assert not parse_query("「」・！？")


def test_unique_tokens_drop_repeats():
    assert unique_tokens("生成生成") == ["生成", "成生"]


def test_highlight_escapes_and_marks_terms():
    assert highlight("<b>生成AI</b>", ("生成", "ai")) == "&lt;b&gt;<mark>生成AI</mark>&lt;/b&gt;"


def test_snippet_is_centred_on_the_first_match():
    text = "前置き。" * 50 + "ここに生成AIの話があります。" + "後書き。" * 50
    html = snippet(text, ("生成",), width=60)
    assert "<mark>生成</mark>" in html and html.startswith("…") and html.endswith("…")
