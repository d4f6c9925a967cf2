from editorial.logic.draft import Config, PostRef, SiteContext
from editorial.logic.duplicates import NearDuplicateIndex

from .util import PARAGRAPH_A, PARAGRAPH_B, PARAGRAPH_C, codes, only

CONFIG = Config()


def index_with(*posts):
    return NearDuplicateIndex(
        CONFIG, [(PostRef(i, t, f"/p/{i}/", "draft"), t, o) for i, t, o in posts]
    )


def test_a_post_with_a_very_similar_title_is_listed_with_a_link():
    index = index_with(
        (
            1,
            "2026年AIエージェント本格普及（OpenAI・Amazon）による業務効率化と競争力強化",
            PARAGRAPH_B,
        ),
        (2, "製造業のAI活用マップ：外観検査・予知保全・需要予測の現在地", PARAGRAPH_C),
    )
    title = "2026年AIエージェント本格普及（OpenAI・Google）による業務効率化と競争力強化"
    [found] = only(
        "duplicates.similar", title=title, post_id=3, context=SiteContext(near_duplicates=index)
    )
    assert found.refs[0].id == 1 and "タイトル" in found.message


def test_a_post_with_the_same_opening_is_listed():
    index = index_with((1, "まったく別のタイトルで書かれた記事の例", PARAGRAPH_A + PARAGRAPH_B))
    [found] = only("duplicates.similar", post_id=2, context=SiteContext(near_duplicates=index))
    assert "書き出し" in found.message


def test_the_post_itself_and_unrelated_posts_are_not_listed():
    index = index_with(
        (5, "生成AIの社内活用、試験導入から業務への組み込みへ", PARAGRAPH_A),
        (6, "小さな言語モデルは実務に足りるか――知識蒸留研究の論点整理", PARAGRAPH_C),
    )
    assert "duplicates.similar" not in codes(post_id=5, context=SiteContext(near_duplicates=index))


def test_shared_boilerplate_alone_does_not_make_posts_similar():
    # The generator's padding is the same on every old title; the topics differ.
    index = index_with((1, "2026年Galaxy AI 2.0の全貌と実践的な活用法", PARAGRAPH_C))
    title = "2026年AI議事録ツールの全貌と実践的な活用法"
    assert "duplicates.similar" not in codes(
        title=title, post_id=2, context=SiteContext(near_duplicates=index)
    )
