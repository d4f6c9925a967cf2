import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from blog.models import Post, PostStatus
from editorial import roles
from editorial.audit import log
from editorial.models import AuditEntry
from tests.factories import make_post

S = PostStatus

STATES = ["draft", "in_review", "changes_requested", "approved", "live", "scheduled", "unpublished"]


@pytest.fixture
def users(django_user_model):
    def make(name, group):
        user = django_user_model.objects.create_user(
            name, f"{name}@example.invalid", "pw-Long-enough-123", is_staff=True
        )
        if group:
            user.groups.add(Group.objects.get(name=group))
        return user

    return {
        "writer": make("writer", roles.WRITER),
        "other_writer": make("other_writer", roles.WRITER),
        "editor": make("editor", roles.EDITOR),
        "editor2": make("editor2", roles.EDITOR),
        "chief": make("chief", roles.CHIEF_EDITOR),
    }


def post_in_state(state: str, *, owner, submitter=None, **overrides) -> Post:
    """A post created by `owner`, brought into `state` the way the workflow would."""
    now = timezone.now()
    status, published_at = {
        "draft": (S.DRAFT, None),
        "in_review": (S.IN_REVIEW, None),
        "changes_requested": (S.CHANGES_REQUESTED, None),
        "approved": (S.APPROVED, None),
        "live": (S.PUBLISHED, now - dt.timedelta(hours=1)),
        "scheduled": (S.PUBLISHED, now + dt.timedelta(days=1)),
        "unpublished": (S.UNPUBLISHED, None),
    }[state]
    post = make_post(status=status, published_at=published_at, created_by=owner, **overrides)
    if state != "draft":
        log(post, AuditEntry.Action.SUBMIT, by=submitter or owner, to_status=S.IN_REVIEW)
    return post
