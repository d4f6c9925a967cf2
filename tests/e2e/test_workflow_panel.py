"""The workflow panel in a real browser: an action's submit button looks like the admin's own
primary button (the 「保存」 button of the same page), not the browser's grey default."""

import pytest

from blog.models import Post
from tests.editorial.quality_helpers import CLEAN_BODY
from tests.factories import make_post

pytestmark = pytest.mark.django_db(transaction=True)

BROWSER_GREYS = {"rgb(239, 239, 239)", "rgb(240, 240, 240)", "rgb(221, 221, 221)"}
STYLE = "(el) => { const s = getComputedStyle(el); return [s.backgroundColor, s.color]; }"


def test_the_workflow_submit_button_is_styled_as_the_admins_primary_button(
    live_server, page, django_user_model, output_dir
):
    django_user_model.objects.create_superuser("boss", "boss@example.invalid", "pw-12345-abc")
    post = make_post(
        title="承認済みの記事", body=CLEAN_BODY, status=Post.Status.APPROVED, published_at=None
    )
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "boss")
    page.fill("#id_password", "pw-12345-abc")
    page.click("input[type=submit]")
    page.goto(f"{live_server.url}/admin/blog/post/{post.pk}/change/")

    page.locator(".kosei-action summary", has_text="今すぐ公開").click()
    button = page.locator("details[open] .kosei-action__body button[type=submit]")
    assert button.inner_text() == "今すぐ公開"
    background, colour = button.evaluate(STYLE)
    save_background, save_colour = page.locator("input[name=_save]").evaluate(STYLE)
    page.locator(".kosei-workflow").screenshot(path=str(output_dir / "workflow-panel.png"))
    assert background not in BROWSER_GREYS
    assert (background, colour) == (save_background, save_colour)
    assert page.console_errors == []
