"""Every admin page an editor or the superuser can open reads as written Japanese: no English
labels left from Django or taggit, no stock phrasing with spaces around a model's name
(「記事 を追加」), no object shown as 「0: 2」.

The crawl opens, through the real URLconf, the index, each app's index, and for every
registered model its list, its add page and the change page of one seeded object.
"""

import re

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from blog.models import ArticleImage, Post, Redirect
from editorial import demo
from editorial.audit import log
from editorial.models import (
    ApiToken,
    AuditEntry,
    CheckSeverity,
    NotificationPreference,
    RevisionProposal,
    WebhookDelivery,
    WebhookEndpoint,
)
from editorial.revisions import snapshot
from tests.editorial.page_text import page_text

pytestmark = pytest.mark.django_db

# Words that are the house's written form even in a Japanese sentence.
ALLOWED_WORDS = {
    "API", "URL", "OGP", "ASIN", "Markdown", "CSV", "ID", "JST", "SNS", "CTA", "HTML", "Amazon",
    "Webhook", "Kōsei",
}  # fmt: skip
# Left from Django's and taggit's own wording (their ja translation, or none).
STOCK = [
    "TAGGIT",
    "Taggit",
    "Tags",
    "Merge selected tags",
    "自分の操作",
    "利用不可",
    "アプリケーション内のモデル",
    "選択された ",
    "Django",
]
# Django's ja templates put spaces around the model's name: 「変更する 記事 を選択」.
SPACED_PARTICLE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff00-\uffef] [をのがにで]")
OBJECT_AS_NUMBERS = re.compile(r"^\d+: \d+$")


@pytest.fixture
def site(tmp_path, monkeypatch):
    monkeypatch.setattr(demo, "CREDENTIALS_FILE", tmp_path / "credentials.txt")
    call_command("seed_demo", verbosity=0)
    users = {u.username: u for u in get_user_model().objects.all()}
    post = Post.objects.get(slug="ai-meeting-notes")
    log(post, AuditEntry.Action.SUBMIT, by=users["writer"], to_status="in_review")
    NotificationPreference.objects.create(user=users["editor"], disabled_kinds=[])
    NotificationPreference.objects.create(user=users["admin"], disabled_kinds=[])
    ApiToken.objects.create_token(
        user=users["editor"], name="パイプライン", created_by=users["admin"]
    )
    ApiToken.objects.create_token(user=users["writer"], name="執筆用", created_by=users["admin"])
    endpoint = WebhookEndpoint.objects.create(name="通知先", url="https://example.invalid/hook")
    WebhookDelivery.objects.create(endpoint=endpoint, event="post.published", payload={}, post=post)
    RevisionProposal.objects.create(
        post=post,
        created_by=users["writer"],
        token_name="パイプライン",
        reason=RevisionProposal.Reason.choices[0][0],
        base_version=post.version,
        data={**snapshot(post), "title": "会議録AIの導入、新しいタイトル"},
        digest="0" * 64,
    )
    CheckSeverity.objects.create(code="leftover.chatter", severity="error")
    Redirect.objects.create(old_path="/old-path/", target_post=post)
    ArticleImage.objects.create(
        key="abc123",
        original="images/abc123.png",
        format="png",
        width=1200,
        height=630,
        size=1000,
        renditions=[],
        alt="会議の様子",
        post=post,
    )
    return users


def admin_pages(client):
    """The URLs to read: the index, every app index, and for every model the user may see its
    list, its add page and one object's page."""
    urls = ["/admin/", "/admin/editorial/desk/", "/admin/editorial/scheduled/", "/admin/quality/"]
    apps = set()
    names = {}  # a change page's object, named in its heading and breadcrumbs (data: a username)
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        apps.add(model._meta.app_label)
        urls.append(reverse("admin:{}_{}_changelist".format(*info)))
        urls.append(reverse("admin:{}_{}_add".format(*info)))
        obj = model._default_manager.order_by("pk").first()
        assert obj is not None, f"no {model._meta.label} seeded"
        urls.append(reverse("admin:{}_{}_change".format(*info), args=[obj.pk]))
        names[urls[-1]] = str(obj)
    urls += [reverse("admin:app_list", args=[app]) for app in sorted(apps)]
    for url in urls:
        response = client.get(url, follow=True)
        if response.status_code in (403, 404):
            continue
        assert response.status_code == 200, url
        if "text/html" not in response.get("Content-Type", ""):
            continue
        shown = response.redirect_chain[-1][0] if response.redirect_chain else url
        yield shown, response, names.get(url)


def problems_of(html: str, data: str | None = None) -> list[str]:
    """What reads as English or stock phrasing on a page; `data` is the page's object's name."""
    page = page_text(html)
    found = []
    for text in page.texts:
        found += [f"stock phrase {stock!r} in {text!r}" for stock in STOCK if stock in text]
        if OBJECT_AS_NUMBERS.match(text):
            found.append(f"object shown as numbers: {text!r}")
    for text in [*page.labels, *(value for _, value in page.attributes)]:
        # 「@ユーザー名 で通知」: a mention ends at a space.
        if SPACED_PARTICLE.search(re.sub(r"@\S+\s", "", text)):
            found.append(f"spaces around a name: {text!r}")
        found += [f"stock phrase {stock!r} in {text!r}" for stock in STOCK if stock in text]
    for text in page.labels:
        if data and text.lstrip("› ") == data:
            continue
        words = re.findall(r"[A-Za-z][A-Za-z'.-]*", text)
        if words and text.isascii() and not set(words) <= ALLOWED_WORDS:
            found.append(f"English label: {text!r}")
    return found


@pytest.mark.parametrize("username", ["editor", "admin"])
def test_every_admin_page_reads_as_written_japanese(site, client, username):
    client.force_login(site[username])
    where: dict[str, list[str]] = {}  # each problem with the pages it is on
    opened = 0
    for url, response, data in admin_pages(client):
        opened += 1
        for problem in problems_of(response.content.decode(), data):
            if url not in where.setdefault(problem, []):
                where[problem].append(url)
    assert opened > 20
    report = "\n".join(
        f"{problem}  ({', '.join(urls[:3])})" for problem, urls in sorted(where.items())
    )
    assert not where, report


def test_the_crawl_would_see_django_stock_wording():
    # The checks themselves: the strings the first use found.
    html = (
        "<h1>変更する 記事 を選択</h1><a class='addlink'>記事 を追加</a>"
        "<caption><a title='Taggit アプリケーション内のモデル'>Taggit</a></caption>"
        "<select name='action'><option>Merge selected tags</option></select>"
        "<h3>自分の操作</h3><p>利用不可</p><td class='original'><p>0: 2</p></td>"
        "<script>var x = 'Tags';</script>"
    )
    problems = problems_of(html)
    assert any("変更する 記事 を選択" in p for p in problems)
    assert any("記事 を追加" in p for p in problems)
    assert any("Merge selected tags" in p for p in problems)
    assert any("0: 2" in p for p in problems)
    assert any("利用不可" in p for p in problems)
    assert not problems_of("<h1>記事を追加</h1><th scope='row'>API トークン</th><th>URL</th>")
