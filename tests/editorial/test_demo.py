import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from blog import demo_content
from blog.models import Post
from editorial import demo
from editorial.logic.checks import CODES, code_info
from editorial.models import CheckSeverity
from tests.editorial.page_text import page_text

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
    assert not writer.has_perm("editorial.add_apitoken") and not writer.has_perm(
        "blog.publish_post"
    )
    assert editor.has_perm("editorial.add_apitoken")
    assert editor.has_perm("editorial.view_auditentry")
    assert not writer.has_perm("editorial.view_auditentry")
    assert chief.has_perm("blog.change_page")
    client.force_login(editor)
    assert client.get("/admin/editorial/auditentry/").status_code == 200


def test_after_seeding_no_demo_post_is_unchecked_in_the_post_list(client):
    call_command("seed_demo", verbosity=0)
    client.force_login(get_user_model().objects.get(username="editor"))
    response = client.get("/admin/blog/post/")
    shown = response.context["cl"].result_list
    assert {post.slug for post in shown} >= {row["slug"] for row in demo_content.POSTS}
    cells = re.findall(
        r'<td class="field-quality_counts">(.*?)</td>', response.content.decode(), re.DOTALL
    )
    assert len(cells) == len(shown)
    assert not [cell for cell in cells if "未チェック" in cell]
    # The checks found the defects the demo was written with.
    assert Post.objects.get(slug="ai-infra-investment").quality_report.errors > 0
    for post in Post.objects.filter(extra__demo=True).select_related("quality_report"):
        assert post.quality_report.post_version == post.version, post.slug


def test_a_second_seed_keeps_the_reports_current():
    call_command("seed_demo", verbosity=0)
    edited = Post.objects.get(slug="ai-meeting-notes")
    edited.body += "\n\n追記した段落です。"
    edited.save()
    call_command("seed_demo", verbosity=0)
    edited.refresh_from_db()
    assert edited.quality_report.post_version == edited.version


def visible(html: str) -> tuple[str, list[str]]:
    page = page_text(html)
    return page.text, [value for name, value in page.attributes if name == "title"]


def test_the_quality_panel_names_the_check_and_keeps_its_code_in_a_tooltip(client):
    call_command("seed_demo", verbosity=0)
    post = Post.objects.get(slug="ai-infra-investment")
    client.force_login(get_user_model().objects.get(username="editor"))
    html = client.get(f"/admin/blog/post/{post.pk}/change/").content.decode()
    text, titles = visible(html)
    assert code_info("leftover.end_marker").label in text
    assert "leftover.end_marker" in titles
    codes = [code for code in CODES if code in text]
    assert codes == [], codes


def test_the_quality_page_and_its_admin_name_checks_without_their_codes(client):
    call_command("seed_demo", verbosity=0)
    chief = get_user_model().objects.get(username="chief")
    client.force_login(chief)
    CheckSeverity.objects.create(code="leftover.chatter", severity="error")
    pages = {
        "/admin/quality/": code_info("leftover.end_marker").label,
        "/admin/editorial/checkseverity/": code_info("leftover.chatter").label,
        "/admin/editorial/checkseverity/add/": code_info("leftover.chatter").label,
    }
    for url, label in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        text, _ = visible(response.content.decode())
        assert label in text, url
        codes = [code for code in CODES if code in text]
        assert codes == [], (url, codes)
    severity = CheckSeverity.objects.get()
    text, _ = visible(
        client.get(f"/admin/editorial/checkseverity/{severity.pk}/change/").content.decode()
    )
    assert "leftover.chatter" not in text and code_info("leftover.chatter").label in text


def test_the_bulk_fix_report_names_the_checks_without_their_codes(client):
    call_command("seed_demo", verbosity=0)
    client.force_login(get_user_model().objects.get(username="editor"))
    response = client.post(
        "/admin/quality/bulk-fix/", {"codes": ["leftover.end_marker"], "scope": "all"}
    )
    assert response.status_code == 200
    text, titles = visible(response.content.decode())
    assert "leftover.end_marker" not in text
    assert code_info("leftover.end_marker").label in text
