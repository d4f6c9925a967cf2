"""Search: answered from the bigram index on both databases, ranked, highlighted, paginated."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from blog import search
from blog.models import Post, SearchDocument
from tests.factories import make_post

pytestmark = pytest.mark.django_db


def titles(text):
    return [p.title for p in search.load_page(search.search(text))]


def test_two_character_japanese_query_finds_posts():
    make_post(title="生成の話", body="本文")
    make_post(title="別の話", body="画像生成の仕組み")
    make_post(title="無関係", body="天気の話")
    assert set(titles("生成")) == {"生成の話", "別の話"}


def test_mixed_latin_and_japanese_query():
    make_post(title="価格改定", body="GPT-4o の API 価格が変わった")
    make_post(title="GPT-4 の記事", body="GPT-4 の価格")
    make_post(title="価格だけ", body="価格の話")
    assert titles("GPT-4o 価格") == ["価格改定"]


def test_title_matches_rank_first_then_newest():
    now = timezone.now()
    make_post(title="古い本文一致", body="量子計算の話", published_at=now - dt.timedelta(days=1))
    make_post(title="新しい本文一致", body="量子計算の話", published_at=now - dt.timedelta(hours=1))
    make_post(title="量子計算のタイトル", body="本文", published_at=now - dt.timedelta(days=5))
    assert titles("量子計算") == ["量子計算のタイトル", "新しい本文一致", "古い本文一致"]


def test_non_public_posts_are_never_found():
    make_post(title="公開の機密", body="機密")
    make_post(title="下書きの機密", status=Post.Status.DRAFT, published_at=None)
    make_post(title="予約の機密", published_at=timezone.now() + dt.timedelta(days=1))
    gone = make_post(title="停止の機密")
    gone.status = Post.Status.UNPUBLISHED
    gone.save()
    assert titles("機密") == ["公開の機密"]


def test_index_follows_edits_and_deletes():
    post = make_post(title="最初", body="りんご")
    assert titles("りんご") == ["最初"]
    post.body = "みかん"
    post.save()
    assert titles("りんご") == [] and titles("みかん") == ["最初"]
    post.delete()
    assert titles("みかん") == []
    assert not SearchDocument.objects.exists()


def test_a_save_of_some_columns_reindexes_only_when_it_stores_a_text():
    post = make_post(title="部分保存", body="りんご")
    post.title = "題名だけ変えた"
    post.save(update_fields=["title"])
    assert titles("題名") == ["題名だけ変えた"]
    Post.objects.filter(pk=post.pk).update(body_text="みかん")  # not indexed
    post.refresh_from_db()
    post.save(update_fields=["noindex"])
    assert titles("みかん") == []


def test_rebuild_indexes_posts_that_bypassed_save():
    post = make_post(title="一括", body="なし")
    Post.objects.filter(pk=post.pk).update(body_text="一括登録の本文")
    assert titles("登録") == []
    search.rebuild()
    assert titles("登録") == ["一括"]


def test_search_is_answered_by_the_index_not_a_scan():
    make_post(title="索引", body="索引を使う")
    with CaptureQueriesContext(connection) as queries:
        assert titles("索引") == ["索引"]
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert "LIKE" not in sql.upper()
    if connection.vendor == "postgresql":
        assert "@@" in sql
        with connection.cursor() as cursor:
            cursor.execute("SET enable_seqscan = off")
            cursor.execute(
                "EXPLAIN SELECT post_id FROM blog_searchdocument WHERE vector @@ '''索引'''::tsquery"
            )
            plan = " ".join(row[0] for row in cursor.fetchall())
        assert "blog_searchdocument_vector" in plan
    else:
        assert "MATCH" in sql


def test_search_page_highlights_and_paginates(client):
    for i in range(12):
        make_post(title=f"生成AIの記事{i}", body="生成AIについての本文です。")
    html = client.get("/search/?q=生成").content.decode()
    assert "12件の記事が見つかりました" in html
    assert "<mark>生成</mark>" in html
    assert html.count('class="post-card search-hit"') == 10
    second = client.get("/search/?q=生成&page=2").content.decode()
    assert second.count('class="post-card search-hit"') == 2
    assert client.get("/search/?q=生成&page=3").status_code == 404


def test_adjacent_matches_are_highlighted_as_one_mark(client):
    make_post(title="生成AIの導入ガイド", body="社内で生成AIを使う手順です。")
    make_post(
        title="業務改善の記録", body="この記事では生成 AIの活用と、生成　AIの限界を扱います。"
    )
    html = client.get("/search/?q=生成AI").content.decode()
    assert "2件の記事が見つかりました" in html
    assert "<mark>生成AI</mark>の導入ガイド" in html  # the title
    assert "社内で<mark>生成AI</mark>を使う" in html  # the snippet
    # (the plain text keeps one ordinary space for any run of spaces, 「　」 included)
    assert "では<mark>生成 AI</mark>の活用と、<mark>生成 AI</mark>の限界" in html
    assert "</mark><mark>" not in html and "</mark> <mark>" not in html
    # Typed with a space, the query marks the same runs.
    spaced = client.get("/search/?q=生成 AI").content.decode()
    assert "<mark>生成AI</mark>の導入ガイド" in spaced and "<mark>生成 AI</mark>の活用" in spaced


def test_search_page_escapes_the_query(client):
    html = client.get("/search/?q=<script>alert(1)</script>").content.decode()
    assert "<script>alert(1)" not in html
    assert "一致する記事は見つかりませんでした" in html


def test_empty_search_shows_the_form(client):
    response = client.get("/search/")
    assert response.status_code == 200 and 'name="q"' in response.content.decode()


def test_rebuild_command_reports_its_count():
    from io import StringIO

    from django.core.management import call_command

    make_post(title="コマンド", body="再構築")
    out = StringIO()
    call_command("rebuild_search_index", stdout=out)
    assert "1件" in out.getvalue()
    assert titles("再構築") == ["コマンド"]
