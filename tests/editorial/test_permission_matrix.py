"""Every role x every action x every state, through every entry point.

The expected outcome is written here as the editorial team's rules, independently of the
transition table, so a wrong table entry or a missing permission check fails a case.
"""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.utils import timezone

from blog.models import Post
from editorial import workflow
from tests.editorial.conftest import STATES, post_in_state

pytestmark = pytest.mark.django_db

ROLES = ["writer", "other_writer", "editor", "chief"]

# (action) -> states it applies to
STATE_RULES = {
    "submit": {"draft", "changes_requested"},
    "request_changes": {"in_review", "approved"},
    "approve": {"in_review"},
    "publish": {"approved", "unpublished", "scheduled"},
    "schedule": {"approved", "unpublished"},
    "unschedule": {"scheduled"},
    "unpublish": {"live"},
    "reopen": {"in_review", "changes_requested", "approved", "unpublished"},
    "withdraw": {"in_review"},
}
# (action) -> roles with the power at all (the post is created and submitted by "writer")
ROLE_RULES = {
    "submit": {"writer", "editor", "chief"},
    "request_changes": {"editor", "chief"},
    "approve": {"editor", "chief"},
    "publish": {"chief"},
    "schedule": {"chief"},
    "unschedule": {"chief"},
    "unpublish": {"chief"},
    "reopen": {"writer", "editor", "chief"},
    # Only the one who asked for the review takes the request back.
    "withdraw": {"writer"},
}
ACTIONS = sorted(STATE_RULES)
# Roles without the Django permission behind the action: always a 403, whatever the state.
NO_PERMISSION = {
    "request_changes": {"writer", "other_writer"},
    "approve": {"writer", "other_writer"},
    "publish": {"writer", "other_writer", "editor"},
    "schedule": {"writer", "other_writer", "editor"},
    "unschedule": {"writer", "other_writer", "editor"},
    "unpublish": {"writer", "other_writer", "editor"},
}


def expected_allowed(role: str, action: str, state: str) -> bool:
    if state not in STATE_RULES[action] or role not in ROLE_RULES[action]:
        return False
    # Writers only touch their own drafts and returned posts, and take back their own request
    # for review while it waits for a reviewer.
    if role == "writer" and action == "withdraw":
        return state == "in_review"
    return not (role == "writer" and state not in {"draft", "changes_requested"})


def test_the_matrix_covers_every_transition():
    assert set(ACTIONS) == set(workflow.TRANSITIONS) == set(ROLE_RULES)


def arguments(action):
    kwargs = {}
    if workflow.TRANSITIONS[action].note_required:
        kwargs["note"] = "理由を書きました"
    if action == "schedule":
        kwargs["when"] = timezone.now() + dt.timedelta(days=2)
    return kwargs


def through_apply(post, action, user, kwargs):
    try:
        workflow.apply(post, action, by=user, **kwargs)
    except PermissionDenied:
        return "denied"
    except workflow.WorkflowError:
        return "refused"
    return "done"


def through_admin(client, post, action, user, kwargs):
    client.force_login(user)
    data = {"action": action, "note": kwargs.get("note", "")}
    if "when" in kwargs:
        data["when"] = timezone.localtime(kwargs["when"]).strftime("%Y-%m-%dT%H:%M")
    response = client.post(f"/admin/blog/post/{post.pk}/transition/", data)
    if response.status_code == 403:
        return "denied"
    assert response.status_code == 302, response.status_code
    before = post.status, post.published_at
    post.refresh_from_db()
    return "done" if (post.status, post.published_at) != before else "refused"


def through_command(post, action, user, kwargs):
    args = [str(post.pk), action, "--user", user.username, "--note", kwargs.get("note", "")]
    if "when" in kwargs:
        args += ["--when", timezone.localtime(kwargs["when"]).strftime("%Y-%m-%dT%H:%M")]
    try:
        call_command("post_transition", *args, verbosity=0)
    except CommandError as exc:
        return "denied" if "権限" in str(exc) else "refused"
    return "done"


@pytest.mark.parametrize("entry", ["apply", "admin", "command"])
@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(users, client, entry, role, action, state):
    post = post_in_state(state, owner=users["writer"])
    user = users[role]
    kwargs = arguments(action)
    before = Post.objects.get(pk=post.pk).status
    if entry == "apply":
        outcome = through_apply(post, action, user, kwargs)
    elif entry == "admin":
        outcome = through_admin(client, post, action, user, kwargs)
    else:
        outcome = through_command(post, action, user, kwargs)

    if expected_allowed(role, action, state):
        assert outcome == "done"
        assert Post.objects.get(pk=post.pk).status == workflow.TRANSITIONS[action].target
    else:
        assert outcome in {"denied", "refused"}
        assert Post.objects.get(pk=post.pk).status == before
        if role in NO_PERMISSION.get(action, set()):
            assert outcome == "denied", "a missing permission must be a 403, not a state error"


@pytest.mark.parametrize("entry", ["apply", "admin"])
def test_nobody_approves_their_own_submission(users, client, entry):
    post = post_in_state("in_review", owner=users["editor"], submitter=users["editor"])
    if entry == "apply":
        with pytest.raises(PermissionDenied, match="自分がレビュー依頼"):
            workflow.apply(post, "approve", by=users["editor"])
    else:
        assert through_admin(client, post, "approve", users["editor"], {}) == "denied"
    assert Post.objects.get(pk=post.pk).status == "in_review"
    workflow.apply(post, "approve", by=users["editor2"])
    assert Post.objects.get(pk=post.pk).status == "approved"


def test_self_approval_can_be_allowed_by_setting(users, settings):
    settings.EDITORIAL_ALLOW_SELF_APPROVAL = True
    post = post_in_state("in_review", owner=users["editor"], submitter=users["editor"])
    workflow.apply(post, "approve", by=users["editor"])
    assert post.status == "approved"


def test_permissions_not_group_names_decide(users, django_user_model):
    from django.contrib.auth.models import Permission

    custom = django_user_model.objects.create_user("custom", "c@example.invalid", "x")
    custom.user_permissions.add(
        *Permission.objects.filter(codename__in=["change_post", "review_post", "publish_post"])
    )
    post = post_in_state("approved", owner=users["writer"])
    workflow.apply(post, "publish", by=django_user_model.objects.get(pk=custom.pk))
    assert post.status == "published"


# --- the same rules through the post list's bulk actions -------------------------------------

BULK = {"submit": "submit_selected", "request_changes": "request_changes_selected"}


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("action", sorted(BULK))
@pytest.mark.parametrize("role", ROLES)
def test_bulk_actions_follow_the_same_rules(users, client, role, action, state):
    post = post_in_state(state, owner=users["writer"])
    before = Post.objects.get(pk=post.pk).status
    client.force_login(users[role])
    data = {"action": BULK[action], "_selected_action": [post.pk], "index": 0}
    if action == "request_changes":
        data.update(apply="1", note="理由を書きました")
    response = client.post("/admin/blog/post/", data)
    assert response.status_code in {200, 302}
    after = Post.objects.get(pk=post.pk).status
    if expected_allowed(role, action, state):
        assert after == workflow.TRANSITIONS[action].target
    else:
        assert after == before


def test_bulk_category_and_tags_change_only_posts_the_user_may_edit(users, client):
    from tests.factories import make_category

    own = post_in_state("draft", owner=users["writer"])
    others = post_in_state("draft", owner=users["other_writer"])
    category = make_category(name="一括のカテゴリ", slug="bulk-perm")
    client.force_login(users["writer"])
    client.post(
        "/admin/blog/post/",
        {
            "action": "assign_category_tags",
            "_selected_action": [own.pk, others.pk],
            "index": 0,
            "apply": "1",
            "category": category.pk,
            "add_tags": "一括タグ",
            "remove_tags": "",
        },
    )
    own.refresh_from_db()
    others.refresh_from_db()
    assert own.category == category and "一括タグ" in own.tags.names()
    assert others.category != category and "一括タグ" not in others.tags.names()
