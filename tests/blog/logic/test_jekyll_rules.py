"""The old site's rules: URLs, categories, footer blocks and links (no database)."""

import datetime as dt

import pytest

from blog.logic import jekyll
from blog.logic.frontmatter import parse_date
from blog.logic.site_facts import SITE_CATEGORIES

# --- URLs ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stem", "slug"),
    [
        ("08-aiエーシェント本格普及", "08-aiエーシェント本格普及"),
        ("2-eu-ai-law-enterprise-strategy-", "2-eu-ai-law-enterprise-strategy"),
        ("-lead--and  spaces", "lead-and-spaces"),
        ("ai「記事」、まとめ", "ai-記事-まとめ"),
        ("Case.Kept_1", "Case.Kept_1"),
    ],
)
def test_slug_is_jekylls_pretty_slugify_of_the_file_name(stem, slug):
    assert jekyll.jekyll_slugify(stem) == slug


def test_post_names_give_the_file_date_and_the_slug():
    name = jekyll.parse_post_name("2026-02-13-2-eu-ai-law-enterprise-strategy-.md")
    assert name == jekyll.PostName(
        dt.date(2026, 2, 13), "2-eu-ai-law-enterprise-strategy-", "2-eu-ai-law-enterprise-strategy"
    )
    assert jekyll.parse_post_name("2025-08-29-x.markdown").slug == "x"


@pytest.mark.parametrize("name", ["about.md", "2025-13-01-x.md", "2025-08-29-x.txt", "draft.md"])
def test_files_jekyll_would_not_publish_are_not_posts(name):
    assert jekyll.parse_post_name(name) is None


@pytest.mark.parametrize(
    ("front_date", "url_day"),
    [
        # An evening post in UTC is the next day in Tokyo: the URL uses the Tokyo day.
        ("2025-08-29 17:25:03 +0000", dt.date(2025, 8, 30)),
        ("2025-08-29 07:09:56 +0000", dt.date(2025, 8, 29)),
        # An early-morning Tokyo post is the previous day in UTC: still the Tokyo day.
        ("2026-02-14 05:58:41 +0900", dt.date(2026, 2, 14)),
    ],
)
def test_url_date_is_the_front_matter_date_in_tokyo(front_date, url_day):
    assert jekyll.url_date(parse_date(front_date, "Asia/Tokyo"), "Asia/Tokyo") == url_day


def test_article_paths_parse_with_percent_encoding_undone():
    assert jekyll.parse_article_path("/2025/08/30/08-ai%E3%82%A8/") == (
        dt.date(2025, 8, 30),
        "08-aiエ",
    )
    assert jekyll.parse_article_path("/category/tech/") is None
    assert jekyll.parse_article_path("/2025/02/30/x/") is None


def test_site_links_are_recognised_relative_or_on_the_sites_hosts():
    hosts = jekyll.site_hosts("https://ai-media.co.jp")
    assert jekyll.site_path("/2025/01/01/x/", hosts) == "/2025/01/01/x/"
    assert jekyll.site_path("https://www.ai-media.co.jp/2025/01/01/x/", hosts) == "/2025/01/01/x/"
    assert jekyll.site_path("https://example.com/2025/01/01/x/", hosts) is None
    assert jekyll.site_path("relative/path", hosts) is None
    assert jekyll.site_path("mailto:a@b.c", hosts) is None


def test_config_gives_timezone_permalink_author_and_url():
    config = jekyll.parse_config(
        'url: "https://ai-media.co.jp/"\nauthor: "ALLFORCES編集部"\ntimezone: Asia/Tokyo\n'
        "permalink: /:year/:month/:day/:title/\n"
    )
    assert config == jekyll.SiteConfig(
        "Asia/Tokyo", "/:year/:month/:day/:title/", "ALLFORCES編集部", "https://ai-media.co.jp"
    )
    with pytest.raises(ValueError, match="_config.yml"):
        jekyll.parse_config("url: [broken")


# --- categories ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("AI最新ニュース", "latest"),
        ("最新動向", "latest"),
        ("技術解説", "tech"),
        ("ai技術ガイド", "tech"),
        ("業界分析", "analysis"),
        ("実装事例", "implementation"),
        ("投資分析", "strategy"),
        ("研究論文", "research"),
        ("ＡＩ導入戦略", "strategy"),  # full-width letters
    ],
)
def test_category_names_old_and_new_map_to_the_one_slug(name, slug):
    assert jekyll.category_for(name).slug == slug


def test_unknown_category_is_none():
    assert jekyll.category_for("ガジェット") is None


def test_six_categories_with_distinct_slugs_and_their_dead_urls():
    slugs = [c.slug for c in SITE_CATEGORIES]
    assert sorted(slugs) == sorted(set(slugs)) and len(slugs) == 6
    assert "/category/case-studies/" in jekyll.category_for("導入事例").dead_paths


@pytest.mark.parametrize(
    ("value", "names"),
    [
        (["AI技術ガイド"], ["AI技術ガイド"]),
        ("AI技術ガイド", ["AI技術ガイド"]),
        ("LLM RAG", ["LLM", "RAG"]),  # Jekyll splits a string on whitespace
        (["GitHub Copilot", None, " "], ["GitHub Copilot"]),
        (None, []),
    ],
)
def test_categories_and_tags_as_list_or_string(value, names):
    assert jekyll.as_name_list(value) == names


# --- Amazon ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "asin"),
    [
        ("https://www.amazon.co.jp/dp/4798181986/?tag=nullpodesu-22", "4798181986"),
        ("https://www.amazon.co.jp/gp/product/b0abcdefgh", "B0ABCDEFGH"),
        ("https://www.amazon.co.jp/%E6%9B%B8%E5%90%8D/dp/4297119544/ref=x", "4297119544"),
        ("https://www.amazon.co.jp/s?k=GPU%2BAI&tag=nullpodesu-22", None),
        ("https://example.com/dp/4798181986/", None),
    ],
)
def test_asin_comes_from_product_links_only(url, asin):
    assert jekyll.asin_from_url(url) == asin


# --- footer blocks ---------------------------------------------------------------------------

RELATED = """\
---

## 関連記事

- [GPT-5革新と市場戦略](/2025/08/31/1-gpt-5革新と市場戦略/)
- [AIエージェント本格普及](/2025/08/30/08-aiエーシェント本格普及/)
"""

CTA = """\
---

## 技術選定のご相談を承っています

実装経験に基づく技術選定のアドバイスをしています。PoC開発もお気軽にご相談ください。

[お問い合わせはこちら](/services/?utm_source=article&utm_medium=cta&utm_campaign=tech_guide)
{: .consulting-cta-link}
"""

BOOKS_WITH_ASINS = """\
---

## この記事に関連するおすすめ書籍

### [生成AIプロンプトエンジニアリング入門](https://www.amazon.co.jp/dp/4798181986/?tag=nullpodesu-22)

プロンプト設計の基本と実践テクニック

[Amazonで詳しく見る →](https://www.amazon.co.jp/dp/4798181986/?tag=nullpodesu-22)

### [増補改訂 GPUを支える技術](https://www.amazon.co.jp/dp/4297119544/?tag=nullpodesu-22)

超並列ハードウェアの仕組み

[Amazonで詳しく見る →](https://www.amazon.co.jp/dp/4297119544/?tag=nullpodesu-22)

---

*※ 本ページのリンクにはアフィリエイトリンクが含まれます。購入によりサイト運営をサポートいただけます。*
"""

BOOKS_AS_SEARCHES = """\
---
## この記事に関連するおすすめ書籍
**[GPU・AIチップの技術動向](https://www.amazon.co.jp/s?k=GPU%2BAI&tag=nullpodesu-22)** AI半導体の解説
**[AIエージェント開発入門](https://www.amazon.co.jp/s?k=AI%2Bagent&tag=nullpodesu-22)**
  自律型AIエージェントの設計と実装
*※ 上記リンクはAmazonアソシエイトリンクです*
"""

ARTICLE = "## はじめに\n\n本文の段落です。\n\n### 詳しく\n\n続きの段落です。\n"


def test_trailing_related_list_becomes_links_and_leaves_the_body():
    result = jekyll.extract_blocks(ARTICLE + "\n" + RELATED)
    assert [link.url for link in result.related] == [
        "/2025/08/31/1-gpt-5革新と市場戦略/",
        "/2025/08/30/08-aiエーシェント本格普及/",
    ]
    assert result.related[0].title == "GPT-5革新と市場戦略"
    assert result.body == ARTICLE
    assert result.problems == []


def test_awasete_yomitai_cta_books_and_disclosure_all_leave_the_body():
    related = RELATED.replace("## 関連記事", "### あわせて読みたい")
    result = jekyll.extract_blocks(ARTICLE + "\n" + related + "\n" + CTA + "\n" + BOOKS_WITH_ASINS)
    assert result.body == ARTICLE
    assert len(result.related) == 2
    [cta] = result.ctas
    assert cta.heading == "技術選定のご相談を承っています"
    assert cta.text.startswith("実装経験に基づく") and cta.link_label == "お問い合わせはこちら"
    assert cta.campaign == "tech_guide"
    assert [(b.title, b.asin) for b in result.books] == [
        ("生成AIプロンプトエンジニアリング入門", "4798181986"),
        ("増補改訂 GPUを支える技術", "4297119544"),
    ]
    assert result.books[0].description == "プロンプト設計の基本と実践テクニック"
    assert result.disclosures_removed == 1


def test_compact_blocks_and_search_link_books_are_recognised():
    compact_cta = "---\n## 相談\n説明の文です。\n[無料相談](/contact/?utm_campaign=strategy)\n{: .consulting-cta-link}\n"
    result = jekyll.extract_blocks(ARTICLE + compact_cta + BOOKS_AS_SEARCHES)
    assert result.body == ARTICLE
    assert result.ctas[0].text == "説明の文です。"
    assert [(b.title, b.asin, b.description) for b in result.books] == [
        ("GPU・AIチップの技術動向", None, "AI半導体の解説"),
        ("AIエージェント開発入門", None, "自律型AIエージェントの設計と実装"),
    ]


def test_every_copy_of_a_repeated_block_is_removed_and_the_text_between_is_kept():
    body = ARTICLE + "\n" + CTA + "\n重ねて貼られた本文。\n\n" + CTA + "\n" + RELATED
    result = jekyll.extract_blocks(body)
    assert len(result.ctas) == 2 and len(result.related) == 2
    assert result.body == ARTICLE + "\n重ねて貼られた本文。\n"


def test_block_in_the_middle_keeps_the_paragraphs_around_it_apart():
    body = "前の段落。\n*※ 上記リンクはAmazonアソシエイトリンクです*\n後の段落。\n"
    assert jekyll.extract_blocks(body).body == "前の段落。\n\n後の段落。\n"


def test_a_related_list_with_a_line_of_another_shape_stays_and_is_reported():
    body = ARTICLE + "\n## 関連記事\n\n- [リンク](/2025/01/01/a/)\n- 説明だけの行\n"
    result = jekyll.extract_blocks(body)
    assert result.body == body
    assert result.related == []
    [problem] = result.problems
    assert problem.code == "related_block_unrecognised" and problem.line == 12


def test_a_related_heading_without_a_list_is_prose_and_stays():
    body = "## 関連記事\n\nこの話題は以前にも取り上げました。\n"
    result = jekyll.extract_blocks(body)
    assert result.body == body
    assert result.problems[0].code == "related_block_unrecognised"


@pytest.mark.parametrize(
    "body",
    [
        ARTICLE + "\n[リンクだけ](/contact/)\n{: .consulting-cta-link}\n",
        "---\n\n## 相談\n\n説明。\n\n{: .consulting-cta-link}\n",
        "---\n\n[リンク](/contact/)\n{: .consulting-cta-link}\n",
    ],
    ids=["article-section-above", "no-link", "no-heading"],
)
def test_a_cta_class_line_outside_the_full_cta_shape_stays_and_is_reported(body):
    result = jekyll.extract_blocks(body)
    assert result.body == body and result.ctas == []
    assert result.problems[0].code == "cta_block_unrecognised"


def test_a_book_block_with_a_non_amazon_link_stays_and_is_reported():
    body = "## おすすめ書籍\n\n**[本](https://example.com/book)** 説明\n"
    result = jekyll.extract_blocks(body)
    assert result.body == body and result.books == []
    assert result.problems[0].code == "books_block_unrecognised"


def test_a_book_heading_item_without_its_amazon_button_stays():
    body = "## おすすめ書籍\n\n### [本](https://www.amazon.co.jp/dp/4798181986/)\n\n説明\n\n次の話題。\n"
    result = jekyll.extract_blocks(body)
    assert result.body == body
    assert result.problems[0].code == "books_block_unrecognised"


def test_blocks_inside_one_collapsed_line_are_reported_not_cut():
    line = (
        "長い本文。" * 30
        + " --- ### あわせて読みたい - [a](/2025/01/01/a/) --- ## 相談 {: .consulting-cta-link}"
    )
    result = jekyll.extract_blocks(line + "\n")
    assert result.body == line + "\n"
    assert [p.code for p in result.problems] == ["block_in_collapsed_line"]


def test_prose_mentioning_affiliates_is_not_a_disclosure_line():
    body = "アフィリエイトリンクの扱いについて、※印で注記する運用を解説します。\n"
    assert jekyll.extract_blocks(body).body == body


def test_line_map_points_kept_lines_at_their_original_lines():
    result = jekyll.extract_blocks("a\n\n" + RELATED + "\nb\n")
    kept = result.body.split("\n")
    assert kept[result.line_map.index(len(RELATED.split("\n")) + 3)] == "b"


def test_conflict_and_end_markers_are_counted_once_per_kind():
    body = "a\n---END---\nb\n---END---\n<<<<<<< Updated upstream\nc\n=======\nd\n>>>>>>> Stashed\n"
    problems = {p.code: p for p in jekyll.content_markers(body)}
    assert problems["end_marker"].line == 2 and "2か所" in problems["end_marker"].message
    assert problems["conflict_marker"].line == 5 and "3行" in problems["conflict_marker"].message


# --- links -----------------------------------------------------------------------------------


def _index() -> jekyll.LinkIndex:
    index = jekyll.LinkIndex()
    index.add(
        "multimodal",
        dt.date(2025, 8, 30),
        "08-マルチモータルaiのevolution",
        title="2026年マルチモーダルAIの進化（OpenAI・Google）による業務効率化と競争力強化",
        alternates=[(dt.date(2025, 8, 29), "08-マルチモータルaiのevolution")],
        file_stem="2025-08-29-08-マルチモータルaiのevolution",
    )
    index.add(
        "eu",
        dt.date(2026, 2, 13),
        "2-eu-ai-law-enterprise-strategy",
        title="2026年EU AI法完全施行、大企業のAI戦略はどう変わるのか",
        alternates=[(dt.date(2026, 2, 13), "2-eu-ai-law-enterprise-strategy-")],
    )
    index.add(
        "agents",
        dt.date(2026, 2, 18),
        "1-ai-agents-business-transformat",
        title="AIエージェントがビジネスをどう変える？現場目線の徹底解説",
    )
    return index


def test_links_resolve_by_real_url_then_by_old_forms():
    index = _index()
    assert index.resolve(
        dt.date(2025, 8, 30), "08-マルチモータルaiのevolution"
    ) == jekyll.Resolution("multimodal", exact=True)
    assert index.resolve(dt.date(2025, 8, 29), "08-マルチモータルaiのevolution").key == "multimodal"
    assert index.resolve_path("/2026/02/13/2-eu-ai-law-enterprise-strategy-/").key == "eu"
    assert index.resolve_file_stem("2025-08-29-08-マルチモータルaiのevolution").key == "multimodal"


def test_a_wrong_date_resolves_by_slug_only_when_the_link_text_names_the_post():
    index = _index()
    named = index.resolve(
        dt.date(2026, 3, 2),
        "1-ai-agents-business-transformat",
        "AIエージェントがビジネスをどう変える？",
    )
    assert named.key == "agents" and not named.exact
    other_post = "AIエージェントがビジネスをどう変える？自律実行の仕組みと導入の秘訣とは何か"
    assert (
        index.resolve(dt.date(2026, 2, 21), "1-ai-agents-business-transformat", other_post + "再考")
        is None
    )


def test_a_wrong_date_without_link_text_resolves_only_a_day_away():
    index = _index()
    assert index.resolve(dt.date(2026, 2, 19), "1-ai-agents-business-transformat").key == "agents"
    assert index.resolve(dt.date(2026, 2, 25), "1-ai-agents-business-transformat") is None


def test_shortened_link_titles_with_a_broken_last_character_still_match():
    assert jekyll.titles_match(
        "パナソニック コネクトやボルボによる産業・業務へのAI活\ufffd",
        "2026年パナソニック コネクトやボルボによる産業・業務へのAI活の技術革新がもたらす変化",
    )
    assert not jekyll.titles_match(
        "全く別の話題の記事", "2026年パナソニック コネクトやボルボによる産業"
    )


def test_same_slug_on_several_dates_picks_the_nearest_and_says_it_is_ambiguous():
    index = jekyll.LinkIndex()
    index.add("a", dt.date(2025, 1, 1), "same", title="同じ題名の記事")
    index.add("b", dt.date(2025, 1, 10), "same", title="同じ題名の記事")
    resolution = index.resolve(dt.date(2025, 1, 8), "same", "同じ題名の記事")
    assert resolution.key == "b" and resolution.ambiguous


def test_body_links_to_old_forms_are_rewritten_and_unknown_ones_reported():
    index = _index()
    paths = {
        "multimodal": "/2025/08/30/08-マルチモータルaiのevolution/",
        "eu": "/2026/02/13/2-eu-ai-law-enterprise-strategy/",
    }

    def resolve(path, text):
        found = index.resolve_path(path, text)
        if found is None:
            return None
        return True if found.exact else paths[found.key]

    body = (
        "[旧形式](/2025/08/29/08-マルチモータルaiのevolution/#section)を参照。\n"
        "[正しい](/2026/02/13/2-eu-ai-law-enterprise-strategy/) と "
        "[絶対URL](https://ai-media.co.jp/2026/02/13/2-eu-ai-law-enterprise-strategy-/)\n"
        "[ない記事](/2024/01/01/missing/) と [外部](https://example.com/2024/01/01/x/)\n"
        "```\n[コードの中](/2025/08/29/08-マルチモータルaiのevolution/)\n```\n"
        '[ref]: /2025/08/29/08-マルチモータルaiのevolution/\n<a href="/2024/02/02/gone/">html</a>\n'
    )
    new_body, rewrites, unresolved = jekyll.rewrite_post_links(body, resolve, {"ai-media.co.jp"})
    lines = new_body.split("\n")
    assert lines[0] == "[旧形式](/2025/08/30/08-マルチモータルaiのevolution/#section)を参照。"
    assert "[正しい](/2026/02/13/2-eu-ai-law-enterprise-strategy/)" in lines[1]
    assert "(https://ai-media.co.jp/2026/02/13/2-eu-ai-law-enterprise-strategy/)" in lines[1]
    assert lines[4] == "[コードの中](/2025/08/29/08-マルチモータルaiのevolution/)"
    assert lines[6] == "[ref]: /2025/08/30/08-マルチモータルaiのevolution/"
    assert [r.line for r in rewrites] == [1, 2, 7]
    assert [(u.line, u.url) for u in unresolved] == [
        (3, "/2024/01/01/missing/"),
        (8, "/2024/02/02/gone/"),
    ]
