from editorial.logic.checks import apply_fixes
from editorial.logic.draft import Book, Config, PostRef, SiteContext

from .util import PARAGRAPH_A, PARAGRAPH_B, codes, only

TAG = "nullpodesu-22"
CONFIG = Config(associate_tag=TAG)
RAG = PostRef(7, "RAGの評価はどう設計するか", "/2026/02/01/3-rag-evaluation/", "published")
AGENT = PostRef(8, "AIエージェント本格普及", "/2025/08/30/08-aiエージェント本格普及/", "published")
LONG = PostRef(
    9,
    "GPT4oに迫るオープンソースLLM",
    "/2026/02/24/2-open-source-llm-vs-gpt4o-impact/",
    "published",
)
SITE = SiteContext(
    published_paths=frozenset({RAG.path, AGENT.path, LONG.path}),
    redirect_targets={"/2026/01/31/rag-evaluation/": RAG.path},
    published_posts={p.path: p for p in (RAG, AGENT, LONG)},
)


def body_with(link: str) -> str:
    return f"{PARAGRAPH_A}\n\n詳しくは{link}を参照してほしい。\n"


def test_a_link_to_a_published_post_is_fine():
    assert not [
        c
        for c in codes(body=body_with(f"[RAGの評価]({RAG.path})"), context=SITE)
        if c.startswith("links")
    ]


def test_a_link_to_a_post_that_does_not_exist_is_an_error():
    [found] = only(
        "links.internal_missing", body=body_with("[記事](/2025/12/01/no-such-post/)"), context=SITE
    )
    assert found.severity == "error" and found.line == 3 and found.fix is None


def test_absolute_links_to_the_site_count_as_internal():
    link = "[記事](https://ai-media.co.jp/2025/12/01/no-such-post/)"
    assert only("links.internal_missing", body=body_with(link), context=SITE)


def test_internal_links_are_not_judged_without_knowing_the_site():
    assert "links.internal_missing" not in codes(
        body=body_with("[記事](/2025/12/01/no-such-post/)")
    )


def test_the_meant_post_is_recognised_on_another_date_and_offered_as_fix():
    body = body_with("[RAGの評価](/2026/02/03/3-rag-evaluation/)")
    [found] = only("links.internal_missing", body=body, context=SITE)
    assert found.refs == (RAG,) and "RAGの評価はどう設計するか" in found.message
    texts, _ = apply_fixes({"body": body}, [found.fix])
    assert f"]({RAG.path})" in texts["body"]


def test_the_meant_post_is_recognised_with_lost_voiced_marks_or_a_cut_slug():
    lost = body_with("[AIエージェント本格普及](/2025/08/30/08-aiエーシェント本格普及/)")
    assert only("links.internal_missing", body=lost, context=SITE)[0].refs == (AGENT,)
    cut = body_with("[オープンソースLLM](/2026/02/24/2-open-source-llm-vs-gpt4o-impac/)")
    assert only("links.internal_missing", body=cut, context=SITE)[0].refs == (LONG,)


def test_a_link_through_a_redirect_is_information_with_a_fix():
    body = body_with("[RAG](/2026/01/31/rag-evaluation/)")
    [found] = only("links.redirected", body=body, context=SITE)
    assert found.severity == "info"
    texts, _ = apply_fixes({"body": body}, [found.fix])
    assert RAG.path in texts["body"]


def test_garbled_slugs_in_links():
    lost = body_with("[AIエージェント本格普及](/2025/08/30/08-aiエーシェント本格普及/)")
    assert only("links.slug_garbled", body=lost)
    assert only(
        "links.slug_garbled",
        body=body_with("[EU AI法](/2026/02/13/2-eu-ai-law-enterprise-strategy-/)"),
    )
    fine = body_with("[生成AIガバナンス入門](/2026/02/01/生成aiガバナンス入門/)")
    assert "links.slug_garbled" not in codes(body=fine)
    assert only("links.slug_non_ascii", body=fine)[0].severity == "info"


def test_amazon_link_without_the_associate_tag_gets_a_fix():
    body = body_with("[書籍](https://www.amazon.co.jp/dp/4798181986/)")
    [found] = only("links.amazon_tag", body=body, config=CONFIG)
    texts, _ = apply_fixes({"body": body}, [found.fix])
    assert f"https://www.amazon.co.jp/dp/4798181986/?tag={TAG}" in texts["body"]


def test_amazon_link_with_the_right_tag_or_no_configured_tag_is_fine():
    body = body_with(f"[書籍](https://www.amazon.co.jp/dp/4798181986/?tag={TAG})")
    assert "links.amazon_tag" not in codes(body=body, config=CONFIG)
    assert "links.amazon_tag" not in codes(
        body=body_with("[書籍](https://www.amazon.co.jp/dp/4798181986/)")
    )


def test_an_amazon_link_with_another_tag_is_a_warning():
    body = body_with("[書籍](https://www.amazon.co.jp/dp/4798181986/?tag=someone-22)")
    assert "someone-22" in only("links.amazon_tag", body=body, config=CONFIG)[0].message


def test_a_cut_off_amazon_link_is_an_error():
    assert only(
        "links.amazon_cut",
        body=body_with("[書籍](https://www.amazon.co.jp/dp/47985/)"),
        config=CONFIG,
    )
    assert only(
        "links.amazon_cut", body=body_with("[書籍](https://www.amazon.co.jp/dp/4798181986/?ta...)")
    )


def test_an_old_site_post_with_books_and_the_disclosure_at_the_end_is_an_error():
    footer = (
        f"## この記事に関連するおすすめ書籍\n\n[生成AI入門](https://www.amazon.co.jp/dp/4798181986/?tag={TAG})\n\n"
        "*※ 本ページのリンクにはアフィリエイトリンクが含まれます。*\n"
    )
    body = f"{PARAGRAPH_A}\n\n{PARAGRAPH_B}\n\n" * 5 + footer
    [found] = only("affiliate.disclosure", body=body, config=CONFIG)
    assert found.severity == "error" and "冒頭" in found.message


def test_a_disclosure_before_the_first_affiliate_link_is_compliant():
    body = (
        "※本記事はアフィリエイト広告を利用しています。\n\n"
        f"{PARAGRAPH_A}\n\n[生成AI入門](https://www.amazon.co.jp/dp/4798181986/?tag={TAG})\n"
    )
    assert "affiliate.disclosure" not in codes(body=body, config=CONFIG)


def test_books_without_any_disclosure_are_an_error():
    found = only("affiliate.disclosure", books=(Book("4798181986", "生成AI入門"),))
    assert found and "表示がありません" in found[0].message


def test_with_the_template_disclosure_books_and_sponsored_links_are_covered():
    config = Config(associate_tag=TAG, template_disclosure=True)
    body = body_with(f"[書籍](https://www.amazon.co.jp/dp/4798181986/?tag={TAG})")
    assert "affiliate.disclosure" not in codes(body=body, config=config)
    assert "affiliate.disclosure" not in codes(books=(Book("4798181986"),), config=config)


def test_an_affiliate_link_the_renderer_does_not_mark_sponsored_is_an_error():
    config = Config(template_disclosure=True)
    body = body_with("[楽天](https://hb.afl.rakuten.co.jp/hgc/abc/)")
    found = codes(body=body, config=config)
    assert "affiliate.sponsored" in found and "affiliate.disclosure" in found
