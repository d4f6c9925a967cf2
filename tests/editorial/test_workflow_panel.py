"""The workflow panel on the post page: the field for a reason to publish despite quality errors
is there only when the post has such errors; the submit buttons are the admin's primary
buttons."""

import re

import pytest

from tests.editorial.conftest import post_in_state
from tests.editorial.quality_helpers import CLEAN_BODY, DEFECTIVE_BODY

pytestmark = pytest.mark.django_db


def change_page(client, post) -> str:
    return client.get(f"/admin/blog/post/{post.pk}/change/").content.decode()


def test_no_override_reason_field_when_the_post_has_no_quality_errors(users, client):
    post = post_in_state("approved", owner=users["writer"], body=CLEAN_BODY)
    client.force_login(users["chief"])
    html = change_page(client, post)
    assert 'form="transition-publish"' in html  # the publish action is offered
    assert 'name="override_reason"' not in html
    assert "エラーを無視して進める理由" not in html


def test_the_override_reason_field_is_there_when_the_post_has_quality_errors(users, client):
    post = post_in_state("approved", owner=users["writer"], body=DEFECTIVE_BODY)
    client.force_login(users["chief"])
    html = change_page(client, post)
    assert 'name="override_reason" rows="2" form="transition-publish" required' in html
    assert 'name="override_reason" rows="2" form="transition-schedule" required' in html


def test_the_override_reason_field_is_only_for_those_who_may_override(users, client):
    post = post_in_state("in_review", owner=users["writer"], body=DEFECTIVE_BODY)
    client.force_login(users["editor"])
    assert 'name="override_reason"' not in change_page(client, post)


def test_every_workflow_submit_button_is_a_primary_admin_button(users, client):
    post = post_in_state("approved", owner=users["writer"], body=CLEAN_BODY)
    client.force_login(users["chief"])
    html = change_page(client, post)
    buttons = re.findall(r'<button type="submit" form="transition-[^"]+"[^>]*>', html)
    assert len(buttons) >= 3
    for button in buttons:
        assert re.search(r'class="button default"', button), button
