"""The tag admin: a merge moves the posts of the chosen tags to one tag (taggit's own merge
page moved only its generic rows, which no post uses, and was in English)."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from taggit.models import Tag

from blog.models import Post
from editorial import roles
from tests.editorial.page_text import page_text
from tests.factories import make_post

pytestmark = pytest.mark.django_db

LIST = "/admin/taggit/tag/"


def staff(name, role=None):
    user = get_user_model().objects.create_user(
        name, f"{name}@example.invalid", "pw-12345!", is_staff=True
    )
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


def merge(client, tags, name=None):
    data = {"action": "merge_selected_tags", "_selected_action": [t.pk for t in tags]}
    if name is not None:
        data.update(apply="1", name=name)
    return client.post(LIST, data, follow=name is not None)


def test_merging_moves_every_post_to_the_one_tag_and_deletes_the_others(client):
    both = make_post(tags=["生成AI", "生成ＡＩ"])
    only_old = make_post(tags=["生成ＡＩ"])
    other = make_post(tags=["RAG"])
    client.force_login(staff("chief", roles.CHIEF_EDITOR))
    tags = list(Tag.objects.filter(name__in=["生成AI", "生成ＡＩ"]))

    page = merge(client, tags)
    assert page.status_code == 200
    text = page_text(page.content.decode()).text
    assert "統合後のタグ名" in text and "生成ＡＩ（記事2件）" in text

    response = merge(client, tags, name="生成AI")
    assert (
        "2個のタグを「生成AI」に統合しました（記事1件に付け替え）。"
        in page_text(response.content.decode()).text
    )
    assert sorted(Post.objects.get(pk=both.pk).tags.names()) == ["生成AI"]
    assert list(Post.objects.get(pk=only_old.pk).tags.names()) == ["生成AI"]
    assert list(Post.objects.get(pk=other.pk).tags.names()) == ["RAG"]
    assert not Tag.objects.filter(name="生成ＡＩ").exists()


def test_merging_into_a_new_name_creates_that_tag(client):
    post = make_post(tags=["LLM", "大規模言語モデル"])
    client.force_login(staff("chief", roles.CHIEF_EDITOR))
    merge(client, list(Tag.objects.all()), name="大規模言語モデル（LLM）")
    assert list(Post.objects.get(pk=post.pk).tags.names()) == ["大規模言語モデル（LLM）"]
    assert list(Tag.objects.values_list("name", flat=True)) == ["大規模言語モデル（LLM）"]


def test_the_list_counts_posts_and_offers_the_merge_only_to_who_may_delete_tags(client):
    make_post(tags=["RAG"])
    make_post(tags=["RAG"])
    client.force_login(staff("chief", roles.CHIEF_EDITOR))
    html = client.get(LIST).content.decode()
    assert "選んだタグを統合" in html and "記事数" in html
    assert '<td class="field-post_count">2</td>' in html
    client.force_login(staff("editor", roles.EDITOR))
    assert "選んだタグを統合" not in client.get(LIST).content.decode()
    tag = Tag.objects.get()
    merge(client, [tag], name="ほかの名前")
    assert Tag.objects.get().name == "RAG"
