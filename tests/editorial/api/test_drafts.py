"""POST /api/v1/drafts: create, update, idempotency, validation, Jekyll files, proposals."""

import threading

import pytest
from django.db import connection
from django.test import Client

from blog.models import Post, PostStatus
from editorial import gate
from editorial.models import ExternalDraft, RevisionProposal
from editorial.revisions import record_revision
from tests.editorial.api.conftest import Api, draft_payload
from tests.factories import make_book, make_post

pytestmark = pytest.mark.django_db

URL = "/api/v1/drafts"


def test_a_writer_token_creates_a_draft_owned_by_its_user(writer_api, users, site):
    response = writer_api.post(URL, draft_payload())
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["result"] == "created"
    post = Post.objects.get(pk=data["draft"]["id"])
    assert post.status == PostStatus.DRAFT
    assert post.created_by == users["writer"]
    assert post.author == site["author"] and post.category == site["category"]
    assert sorted(post.tags.names()) == ["LLM", "コスト"]
    assert post.slug == "pipeline-2026-03-01-llm-costs"
    assert data["draft"]["url"] is None  # a draft has no public URL
    assert not Post.objects.published().filter(pk=post.pk).exists()
    assert post.revisions.count() == 1
    assert "API" in post.revisions.get().note


def test_a_jekyll_style_external_id_gives_the_slug_after_the_date(writer_api):
    response = writer_api.post(URL, draft_payload(external_id="2026-03-01-llm-costs.md"))
    assert response.json()["draft"]["slug"] == "llm-costs"


def test_the_same_external_id_updates_the_same_draft(writer_api):
    first = writer_api.post(URL, draft_payload()).json()
    second = writer_api.post(URL, draft_payload(title="LLM 導入コストの最新動向（改訂）"))
    assert second.status_code == 200
    assert second.json()["result"] == "updated"
    assert second.json()["draft"]["id"] == first["draft"]["id"]
    assert Post.objects.count() == 1
    assert Post.objects.get().title == "LLM 導入コストの最新動向（改訂）"


def test_a_retry_changes_nothing_and_creates_nothing(writer_api):
    first = writer_api.post(URL, draft_payload()).json()
    post = Post.objects.get(pk=first["draft"]["id"])
    again = writer_api.post(URL, draft_payload())
    assert again.status_code == 200
    assert again.json()["result"] == "unchanged"
    assert Post.objects.count() == 1
    post.refresh_from_db()
    assert post.version == first["draft"]["version"]  # no save, no version bump
    assert post.revisions.count() == 1


def test_omitted_fields_keep_their_value_and_empty_ones_clear_it(writer_api):
    writer_api.post(URL, draft_payload())
    writer_api.post(
        URL, {"external_id": "pipeline-2026-03-01-llm-costs", "excerpt": "新しいリード"}
    )
    post = Post.objects.get()
    assert post.excerpt == "新しいリード"
    assert sorted(post.tags.names()) == ["LLM", "コスト"]
    writer_api.post(URL, {"external_id": "pipeline-2026-03-01-llm-costs", "tags": []})
    assert list(Post.objects.get().tags.names()) == []


def test_ids_are_per_user_so_two_pipelines_do_not_collide(users, make_api, site):
    a = make_api(users["writer"]).post(URL, draft_payload()).json()
    b = make_api(users["other_writer"]).post(URL, draft_payload()).json()
    assert a["draft"]["id"] != b["draft"]["id"]


def test_two_tokens_of_one_user_share_the_ids(users, make_api, site):
    a = make_api(users["writer"]).post(URL, draft_payload()).json()
    b = make_api(users["writer"]).post(URL, draft_payload(title="別トークンから")).json()
    assert b["result"] == "updated" and a["draft"]["id"] == b["draft"]["id"]


def test_books_and_related_posts_are_linked_in_order(writer_api, settings):
    first, second = (
        make_book(asin="4798181986", title="一冊目"),
        make_book(asin="B0ABCDEF12", title="二冊目"),
    )
    target = make_post()
    response = writer_api.post(
        URL,
        draft_payload(
            books=["b0abcdef12", "4798181986"],
            related=[target.pk, f"{settings.SITE_URL}{target.get_absolute_url()}"],
        ),
    )
    assert response.status_code == 201, response.json()
    post = Post.objects.get(pk=response.json()["draft"]["id"])
    assert [link.book for link in post.book_links.order_by("position")] == [second, first]
    assert list(post.related_links.values_list("related_id", flat=True)) == [target.pk]
    assert response.json()["draft"]["books"] == ["B0ABCDEF12", "4798181986"]


def test_an_unregistered_book_is_a_warning_and_is_kept(writer_api):
    response = writer_api.post(URL, draft_payload(books=["4798181986"]))
    assert response.status_code == 201
    assert [w["code"] for w in response.json()["warnings"]] == ["unknown_book"]
    post = Post.objects.get()
    assert post.book_links.count() == 0
    assert post.extra["api"]["unknown_books"] == ["4798181986"]


def test_the_proposed_publication_time_is_kept_but_nothing_is_published(writer_api):
    response = writer_api.post(URL, draft_payload(proposed_publish_at="2026-03-01T09:00:00+09:00"))
    data = response.json()["draft"]
    assert data["proposed_publish_at"] == "2026-03-01T09:00:00+09:00"
    post = Post.objects.get()
    assert post.status == PostStatus.DRAFT and post.published_at is None


def test_the_body_is_sanitised_like_any_author_markdown(writer_api):
    body = "本文\n\n<script>alert(1)</script>\n\n[リンク](javascript:alert(1))\n"
    writer_api.post(URL, draft_payload(body=body))
    post = Post.objects.get()
    assert post.body == body  # the author's text is kept as sent
    assert "<script" not in post.body_html and "javascript:" not in post.body_html


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"external_id": ""}, "external_id", "required"),
        ({"title": ""}, "title", "required"),
        ({"title": "x" * 201}, "title", "too_long"),
        ({"title": 5}, "title", "invalid_type"),
        ({"description": "あ" * 301}, "description", "too_long"),
        ({"body": "本文\x00です"}, "body", "invalid_characters"),
        ({"category": "no-such-category"}, "category", "not_found"),
        ({"author": "nobody"}, "author", "not_found"),
        ({"books": ["4798181987"]}, "books[0]", "invalid_asin"),
        ({"tags": ["ok", ""]}, "tags[1]", "invalid_value"),
        ({"related": [999999]}, "related[0]", "not_found"),
        ({"proposed_publish_at": "2026-03-01 09:00"}, "proposed_publish_at", "invalid_value"),
        ({"slug": "a b"}, "slug", "invalid_value"),
        ({"status": "published"}, "status", "unknown_field"),
        ({"format": "html"}, "format", "invalid_choice"),
    ],
)
def test_bad_input_is_a_422_naming_the_field_in_japanese(writer_api, overrides, field, code):
    response = writer_api.post(URL, draft_payload(**overrides))
    assert response.status_code == 422, response.json()
    error = response.json()["error"]
    assert error["code"] == "validation_failed"
    assert {"field": field, "code": code} in [
        {"field": d["field"], "code": d["code"]} for d in error["details"]
    ], error["details"]
    assert all(any("\u3040" <= ch <= "\u9fff" for ch in d["message"]) for d in error["details"])
    assert Post.objects.count() == 0


def test_every_problem_is_reported_at_once(writer_api):
    response = writer_api.post(
        URL, {"external_id": "x", "title": "", "books": ["123"], "tags": "LLM"}
    )
    fields = {d["field"] for d in response.json()["error"]["details"]}
    assert {"title", "books[0]", "tags"} <= fields


def test_a_new_draft_needs_a_title_and_a_body(writer_api):
    response = writer_api.post(URL, {"external_id": "only-an-id"})
    assert response.status_code == 422
    assert {d["field"] for d in response.json()["error"]["details"]} == {"title", "body"}


def test_without_a_default_author_the_request_must_name_one(users, make_api):
    response = make_api(users["writer"]).post(URL, draft_payload(category=None))
    assert response.status_code == 422
    assert [d["field"] for d in response.json()["error"]["details"]] == ["author"]


def test_the_users_author_profile_is_the_default_byline(users, make_api, site):
    from tests.factories import make_author

    mine = make_author(name="テクニカルチーム", slug="tech-team", user=users["writer"])
    response = make_api(users["writer"]).post(URL, draft_payload())
    assert Post.objects.get(pk=response.json()["draft"]["id"]).author == mine


# --- findings ---------------------------------------------------------------------------------


@pytest.fixture
def a_check():
    """A quality-gate provider whose findings carry extra fields, as the real engine's do."""
    from dataclasses import dataclass

    @dataclass(frozen=True)
    class LineFinding(gate.GateFinding):
        field: str = ""
        line: int | None = None

    def provider(post):
        if "私が" in post.body:
            line = (
                post.body.split("\n").index(next(x for x in post.body.split("\n") if "私が" in x))
                + 1
            )
            yield LineFinding(
                "first_person", gate.ERROR, "一人称「私が」は使いません。", "body", line
            )
        yield gate.GateFinding("note", gate.INFO, "お知らせ")

    gate.register(provider)
    yield provider
    gate.unregister(provider)


def test_the_response_carries_the_gate_findings_with_all_their_fields(writer_api, a_check):
    response = writer_api.post(URL, draft_payload(body="一行目\n\n私が取材しました。\n"))
    data = response.json()
    assert data["findings_summary"] == {"error": 1, "warning": 0, "info": 1, "total": 2}
    first = data["findings"][0]
    assert first == {
        "code": "first_person",
        "severity": "error",
        "message": "一人称「私が」は使いません。",
        "field": "body",
        "line": 3,
    }


# --- a person edited it -----------------------------------------------------------------------


def _edit_as_person(post_id, user, **changes):
    post = Post.objects.get(pk=post_id)
    for name, value in changes.items():
        setattr(post, name, value)
    post.save()
    record_revision(post, by=user)
    return post


def test_after_a_person_edits_the_draft_an_update_becomes_a_proposal(writer_api, users, a_check):
    created = writer_api.post(URL, draft_payload()).json()
    pk = created["draft"]["id"]
    _edit_as_person(pk, users["editor"], body="編集者が書き直した本文です。\n")

    response = writer_api.post(URL, draft_payload(body="パイプラインの新しい本文。私が書いた。\n"))
    assert response.status_code == 200
    data = response.json()
    assert data["result"] == "proposal"
    assert "人が編集" in data["message"]
    assert data["proposal"]["reason"] == "edited" and data["proposal"]["created"] is True
    post = Post.objects.get(pk=pk)
    assert post.body == "編集者が書き直した本文です。\n"  # the person's work stays
    proposal = RevisionProposal.objects.get()
    assert proposal.data["body"] == "パイプラインの新しい本文。私が書いた。\n"
    # The findings are those of the proposed content, not of the unchanged post.
    assert data["findings_summary"]["error"] == 1
    assert data["draft"]["pending_proposals"][0]["id"] == proposal.pk
    # ...and checking them wrote nothing.
    assert Post.objects.get(pk=pk).body == "編集者が書き直した本文です。\n"
    assert Post.objects.get(pk=pk).version == post.version

    retry = writer_api.post(URL, draft_payload(body="パイプラインの新しい本文。私が書いた。\n"))
    assert retry.json()["proposal"] == {**data["proposal"], "created": False}
    assert RevisionProposal.objects.count() == 1


def test_a_workflow_transition_alone_is_not_a_persons_edit(writer_api, users):
    from editorial import workflow

    pk = writer_api.post(URL, draft_payload()).json()["draft"]["id"]
    post = Post.objects.get(pk=pk)
    workflow.apply(post, "submit", by=users["writer"])
    workflow.apply(post, "request_changes", by=users["editor"], note="数字の出典を")
    response = writer_api.post(URL, draft_payload(body="出典を足した本文。\n"))
    assert response.json()["result"] == "updated"
    assert Post.objects.get(pk=pk).body == "出典を足した本文。\n"


def test_a_post_in_review_is_not_overwritten(writer_api, users):
    from editorial import workflow

    pk = writer_api.post(URL, draft_payload()).json()["draft"]["id"]
    workflow.apply(Post.objects.get(pk=pk), "submit", by=users["writer"])
    response = writer_api.post(URL, draft_payload(body="レビュー中に届いた本文。\n"))
    assert response.json()["result"] == "proposal"
    assert response.json()["proposal"]["reason"] == "not_draft"
    assert Post.objects.get(pk=pk).body != "レビュー中に届いた本文。\n"


def test_an_editor_applies_a_proposal_from_the_post_page(writer_api, users, client):
    pk = writer_api.post(URL, draft_payload()).json()["draft"]["id"]
    _edit_as_person(pk, users["editor"], title="編集者のタイトル")
    writer_api.post(URL, draft_payload(title="パイプラインのタイトル"))
    proposal = RevisionProposal.objects.get()

    client.force_login(users["editor"])
    page = client.get(f"/admin/blog/post/{pk}/change/").content.decode()
    assert "API からの更新提案" in page and f"提案 #{proposal.pk}" in page
    diff = client.get(f"/admin/editorial/revisionproposal/{proposal.pk}/change/")
    assert diff.status_code == 200
    html = diff.content.decode()
    # The title row of the diff: the current text on the left, the proposal on the right.
    assert "<del>編集者</del>のタイトル" in html and "<ins>パイプライン</ins>のタイトル" in html

    response = client.post(
        f"/admin/editorial/revisionproposal/{proposal.pk}/decide/", {"decision": "apply"}
    )
    assert response.status_code == 302
    assert Post.objects.get(pk=pk).title == "パイプラインのタイトル"
    proposal.refresh_from_db()
    assert proposal.status == "applied" and proposal.decided_by == users["editor"]
    assert "提案" in Post.objects.get(pk=pk).revisions.first().note


def test_a_writer_cannot_apply_a_proposal_to_a_post_in_review(writer_api, users, client):
    from editorial import workflow

    pk = writer_api.post(URL, draft_payload()).json()["draft"]["id"]
    workflow.apply(Post.objects.get(pk=pk), "submit", by=users["writer"])
    writer_api.post(URL, draft_payload(title="新しいタイトル"))
    proposal = RevisionProposal.objects.get()
    client.force_login(users["writer"])
    response = client.post(
        f"/admin/editorial/revisionproposal/{proposal.pk}/decide/", {"decision": "apply"}
    )
    assert response.status_code == 403
    assert Post.objects.get(pk=pk).title != "新しいタイトル"


def test_a_dismissed_proposal_changes_nothing(writer_api, users, client):
    pk = writer_api.post(URL, draft_payload()).json()["draft"]["id"]
    _edit_as_person(pk, users["editor"], title="編集者のタイトル")
    writer_api.post(URL, draft_payload(title="パイプラインのタイトル"))
    proposal = RevisionProposal.objects.get()
    client.force_login(users["editor"])
    client.post(f"/admin/editorial/revisionproposal/{proposal.pk}/decide/", {"decision": "dismiss"})
    proposal.refresh_from_db()
    assert proposal.status == "dismissed"
    assert Post.objects.get(pk=pk).title == "編集者のタイトル"


# --- a whole Jekyll file ----------------------------------------------------------------------

JEKYLL_FILE = """---
title: "生成AIの導入事例まとめ"
date: 2026-03-01 09:00:00 +0900
categories: [AI技術ガイド]
tags: [生成AI, DX推進]
author: ALLFORCES編集部
description: "導入事例を整理しました。"
image: /assets/images/x.png
---

## はじめに

本文です。

## 関連記事

- [別の記事]({related})

## おすすめ書籍

**[テスト書籍](https://www.amazon.co.jp/dp/4798181986/?tag=nullpodesu-22)**
本の紹介です。

※本記事にはアフィリエイトリンク（Amazonアソシエイト）が含まれています。
"""


def test_a_whole_jekyll_file_is_read_by_the_importers_code(writer_api, site, settings):
    book = make_book(asin="4798181986")
    target = make_post()
    text = JEKYLL_FILE.format(related=f"{settings.SITE_URL}{target.get_absolute_url()}")
    response = writer_api.post(
        URL, {"external_id": "2026-03-01-genai-cases.md", "format": "jekyll", "body": text}
    )
    assert response.status_code == 201, response.json()
    post = Post.objects.get(pk=response.json()["draft"]["id"])
    assert post.title == "生成AIの導入事例まとめ"
    assert post.category == site["category"]
    assert post.author == site["author"]
    assert sorted(post.tags.names()) == ["DX推進", "生成AI"]
    assert post.description == "導入事例を整理しました。"
    assert post.slug == "genai-cases"
    assert post.body.startswith("## はじめに") and "おすすめ書籍" not in post.body
    assert "アフィリエイトリンク" not in post.body
    assert [link.book for link in post.book_links.all()] == [book]
    assert list(post.related_links.values_list("related_id", flat=True)) == [target.pk]
    assert post.extra["api"]["proposed_publish_at"] == "2026-03-01T09:00:00+09:00"
    assert post.extra["api"]["jekyll"]["image"] == "/assets/images/x.png"


def test_json_fields_win_over_the_front_matter(writer_api):
    text = JEKYLL_FILE.format(related="/2020/01/01/nowhere/")
    response = writer_api.post(
        URL, {"external_id": "j1", "format": "jekyll", "body": text, "title": "JSON のタイトル"}
    )
    assert response.json()["draft"]["title"] == "JSON のタイトル"
    # A footer link to a post that does not exist is a warning (kept), not a refusal.
    assert "unresolved_related" in [w["code"] for w in response.json()["warnings"]]
    assert Post.objects.get().extra["api"]["unresolved_related"] == ["/2020/01/01/nowhere/"]


def test_broken_front_matter_is_a_422_with_its_line(writer_api):
    text = "---\ntitle: ok\ntags: [a, b\n---\n本文\n"
    response = writer_api.post(URL, {"external_id": "j2", "format": "jekyll", "body": text})
    assert response.status_code == 422
    detail = response.json()["error"]["details"][0]
    assert detail["field"] == "body" and detail["code"] == "invalid_front_matter"
    assert detail["line"] == 3
    assert "YAML" in detail["message"]


# --- concurrency --------------------------------------------------------------------------------


def test_concurrent_identical_requests_make_one_post(tx_users, tx_site):
    from editorial.models import ApiToken

    _, raw = ApiToken.objects.create_token(user=tx_users["writer"], name="並行")
    n = 4
    barrier = threading.Barrier(n)
    results = []

    def call():
        try:
            api = Api(Client(), raw)
            barrier.wait(timeout=10)
            response = api.post(URL, draft_payload())
            results.append((response.status_code, response.json()))
        except Exception as exc:  # reported below, never swallowed
            results.append((None, repr(exc)))
        finally:
            connection.close()

    threads = [threading.Thread(target=call) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(results) == n
    statuses = sorted(status for status, _ in results)
    assert statuses == [200] * (n - 1) + [201], results
    ids = {body["draft"]["id"] for _, body in results}
    assert len(ids) == 1
    assert Post.objects.count() == 1
    assert ExternalDraft.objects.count() == 1
    assert sorted(body["result"] for _, body in results) == ["created"] + ["unchanged"] * (n - 1)
