import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from blog import demo_content
from blog.models import Post
from editorial import demo

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def credentials_in_tmp(tmp_path, monkeypatch):
    monkeypatch.setattr(demo, "CREDENTIALS_FILE", tmp_path / "demo-credentials.txt")
    return tmp_path / "demo-credentials.txt"


def test_seed_demo_is_idempotent_and_keeps_editor_changes(client):
    call_command("seed_demo", verbosity=0)
    counts = Post.objects.count()
    edited = Post.objects.get(slug="llm-cost-guide")
    edited.title = "編集者が直したタイトル"
    edited.save()
    call_command("seed_demo", verbosity=0)
    assert Post.objects.count() == counts == len(demo_content.POSTS)
    assert Post.objects.get(slug="llm-cost-guide").title == "編集者が直したタイトル"


def test_seed_demo_serves_published_articles_and_hides_the_rest(client):
    call_command("seed_demo", verbosity=0)
    public = list(Post.objects.published())
    assert len(public) >= 5
    for post in public:
        assert client.get(post.get_absolute_url()).status_code == 200
    statuses = set(Post.objects.values_list("status", flat=True))
    assert {"draft", "in_review", "changes_requested", "published"} <= statuses
    home = client.get("/").content.decode()
    for post in Post.objects.exclude(pk__in=[p.pk for p in public]):
        assert post.title not in home


def test_seed_demo_users_have_roles_and_a_working_password(client, credentials_in_tmp, capsys):
    call_command("seed_demo")
    printed = capsys.readouterr().out
    rows = [line.split("\t") for line in credentials_in_tmp.read_text().splitlines()]
    assert {r[0] for r in rows} == {"admin", "writer", "editor", "chief"}
    for username, password, _role in rows:
        assert password in printed
        assert client.login(username=username, password=password)
        assert client.get("/admin/").status_code == 200
    writer = get_user_model().objects.get(username="writer")
    assert writer.has_perm("blog.change_post") and not writer.has_perm("blog.publish_post")
    chief = get_user_model().objects.get(username="chief")
    assert chief.has_perm("blog.publish_post") and chief.has_perm("blog.override_quality_gate")


def test_demo_contains_the_defects_the_quality_gate_must_find():
    call_command("seed_demo", verbosity=0)
    labels = {label for post in Post.objects.all() for label in post.extra.get("defects", [])}
    assert {"duplicated_section", "end_marker", "first_person", "currency_conversion"} <= labels
    bodies = "\n".join(Post.objects.values_list("body", flat=True))
    assert "---END---" in bodies and "私が" in bodies


def test_roles_reach_the_screens_they_need(client):
    call_command("seed_demo", verbosity=0)
    user_model = get_user_model()
    writer = user_model.objects.get(username="writer")
    editor = user_model.objects.get(username="editor")
    chief = user_model.objects.get(username="chief")
    assert writer.has_perm("editorial.add_apitoken") and not writer.has_perm("blog.publish_post")
    assert editor.has_perm("editorial.view_auditentry")
    assert not writer.has_perm("editorial.view_auditentry")
    assert chief.has_perm("blog.change_page")
    client.force_login(editor)
    assert client.get("/admin/editorial/auditentry/").status_code == 200
