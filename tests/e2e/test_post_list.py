"""The post list in a real browser, at a laptop's width and a phone's: the columns an editor
scans first are visible without scrolling, and the state and quality badges never wrap."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from blog.models import Post
from editorial import roles
from editorial.quality import checking
from editorial.revisions import record_revision
from tests.factories import make_author, make_category, make_post

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "pw-Long-enough-123"
KEY_COLUMNS = ["title", "state", "quality_counts", "category", "published_jst"]

TITLES = [
    "生成AIの社内活用、試験導入から業務への組み込みへ進む企業が見据える三年後の姿",
    "RAGの評価指標を整理する：検索精度だけでは測れない回答品質と運用コストの関係",
    "製造業のAI導入はどこで止まるのか、現場のデータ整備と人材育成から読み解く",
    "小型言語モデルを社内で動かす選択肢、クラウドとの費用比較と運用上の注意点",
    "AIガバナンスの実務、利用規程の作り方と社内研修で押さえておきたい五つの論点",
    "物流センターの需要予測にAIを取り入れた中堅企業の二年間、失敗と立て直しの記録",
]
TAGS = ["生成AI", "LLM", "RAG", "業務効率化", "ガバナンス", "データ基盤", "人材育成"]


def seed_list(django_user_model):
    """About a page of posts as the demo and the old site have them: long titles, several
    tags, every state, checked and unchecked, edited by people with full names."""
    if not Group.objects.filter(name=roles.EDITOR).exists():  # flushed by a transactional test
        roles.sync_roles(Group, Permission)
    account = django_user_model.objects.create_user(
        "editor", "editor@example.invalid", PASSWORD, is_staff=True
    )
    account.first_name, account.last_name = "花子", "山田"
    account.save()
    account.groups.add(Group.objects.get(name=roles.EDITOR))
    categories = [
        make_category(name=name)
        for name in ("AI最新ニュース", "AI技術解説", "AIビジネス戦略", "AI導入事例")
    ]
    author = make_author(name="ALLFORCES編集部")
    now = timezone.now()
    states = [
        (Post.Status.DRAFT, None),
        (Post.Status.IN_REVIEW, None),
        (Post.Status.CHANGES_REQUESTED, None),
        (Post.Status.APPROVED, None),
        (Post.Status.PUBLISHED, now - dt.timedelta(days=3)),
        (Post.Status.PUBLISHED, now + dt.timedelta(days=2)),
        (Post.Status.UNPUBLISHED, None),
    ]
    for i in range(24):
        status, published_at = states[i % len(states)]
        post = make_post(
            title=f"{TITLES[i % len(TITLES)]}（第{i + 1}回）",
            status=status,
            published_at=published_at,
            category=categories[i % len(categories)],
            author=author,
            tags=[TAGS[(i + k) % len(TAGS)] for k in range(3 + i % 4)],
            body="## 背景\n\n本文です。\n\n---END---\n" if i % 3 == 0 else "## 背景\n\n本文です。",
        )
        if i % 4:
            checking.store_report(post, checking.check_post(post))
        record_revision(post, by=account)


def login(page, base):
    page.goto(base + "/admin/login/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(base + "/admin/")


def test_the_key_columns_fit_a_laptop_screen_without_scrolling(
    live_server, page, django_user_model, output_dir
):
    seed_list(django_user_model)
    page.set_viewport_size({"width": 1366, "height": 900})
    login(page, live_server.url)
    page.goto(live_server.url + "/admin/blog/post/")
    page.screenshot(path=str(output_dir / "post-list-1366.png"), full_page=True)
    box = page.evaluate(
        "(() => { const r = document.querySelector('#changelist-form .results');"
        " return {scroll: r.scrollWidth, client: r.clientWidth,"
        " right: r.getBoundingClientRect().right}; })()"
    )
    assert box["scroll"] <= box["client"], box
    for column in KEY_COLUMNS:
        header = page.locator(f"#result_list thead th.column-{column}")
        assert header.count() == 1, column
        edge = header.evaluate("th => th.getBoundingClientRect().right")
        assert edge <= box["right"] + 0.5, (column, edge, box)
    assert page.console_errors == []


def test_on_a_phone_the_badges_stay_on_one_line_and_the_key_cells_are_in_view(
    live_server, page, django_user_model, output_dir
):
    seed_list(django_user_model)
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, live_server.url)
    page.goto(live_server.url + "/admin/blog/post/")
    page.screenshot(path=str(output_dir / "post-list-390.png"), full_page=True)
    width = page.evaluate("document.documentElement.clientWidth")
    # Each badge's text, and on how many lines it is laid out (distinct tops of its boxes):
    # the state cell's whole content, each quality count.
    badges = page.evaluate(
        """(() => {
          const lines = node => {
            const range = document.createRange();
            range.selectNodeContents(node);
            const rects = Array.from(range.getClientRects()).filter(r => r.width > 0);
            return new Set(rects.map(r => Math.round(r.top))).size;
          };
          const nodes = Array.from(document.querySelectorAll(
            '#result_list td.field-state, #result_list td.field-quality_counts .kd-q__n,'
            + ' #result_list td.field-quality_counts .kd-q--none'));
          return nodes.map(el => ({text: el.textContent.trim(), lines: lines(el)}));
        })()"""
    )
    texts = {badge["text"] for badge in badges}
    assert {"未チェック", "公開", "レビュー待ち"} <= texts, texts
    for badge in badges:
        assert badge["lines"] == 1, badge
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 24
    for column in KEY_COLUMNS:
        cells = page.locator(f"#result_list tbody .field-{column}")
        assert cells.count() == 24, column
        for i in range(cells.count()):
            rect = cells.nth(i).evaluate(
                "el => { const r = el.getBoundingClientRect();"
                " return {left: r.left, right: r.right, width: r.width}; }"
            )
            assert rect["width"] > 0 and rect["left"] >= 0 and rect["right"] <= width + 0.5, (
                column,
                i,
                rect,
            )
    assert page.console_errors == []
