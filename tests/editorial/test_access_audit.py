"""Role, permission and token changes are recorded in the audit log with who made them."""

import pytest
from django.contrib.auth.models import Group, Permission

from editorial import roles
from editorial.models import ApiToken, AuditEntry

pytestmark = pytest.mark.django_db


def permission_entries():
    return list(AuditEntry.objects.filter(action="permission").order_by("pk"))


def test_giving_a_user_a_role_in_the_admin_is_audited(users, admin_client, django_user_model):
    admin = django_user_model.objects.get(is_superuser=True)
    writer = users["writer"]
    chief = Group.objects.get(name=roles.CHIEF_EDITOR)
    form = {
        "username": writer.username,
        "email": writer.email,
        "is_active": "on",
        "is_staff": "on",
        "groups": [chief.pk],
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
    }
    response = admin_client.post(f"/admin/auth/user/{writer.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:3000]
    [entry] = permission_entries()
    assert entry.actor == admin and entry.post is None
    assert entry.data["before"]["groups"] == [roles.WRITER]
    assert entry.data["after"]["groups"] == [roles.CHIEF_EDITOR]
    assert "groups" in entry.note
    # Saving again without a change records nothing.
    admin_client.post(f"/admin/auth/user/{writer.pk}/change/", form)
    assert len(permission_entries()) == 1


def test_changing_a_groups_permissions_is_audited(admin_client):
    group = Group.objects.get(name=roles.EDITOR)
    publish = Permission.objects.get(codename="publish_post")
    current = list(group.permissions.values_list("pk", flat=True))
    response = admin_client.post(
        f"/admin/auth/group/{group.pk}/change/",
        {"name": group.name, "permissions": [*current, publish.pk]},
    )
    assert response.status_code == 302
    [entry] = permission_entries()
    added = set(entry.data["after"]["permissions"]) - set(entry.data["before"]["permissions"])
    assert added == {"blog.publish_post"}


def test_issuing_and_revoking_a_token_is_audited(users, client):
    # Editors issue their own tokens (writers are offered none).
    client.force_login(users["editor"])
    response = client.post(
        "/admin/editorial/apitoken/add/", {"name": "pipeline", "user": users["editor"].pk}
    )
    assert response.status_code == 200, response.content.decode()[:2000]
    token = ApiToken.objects.get()
    client.post(
        "/admin/editorial/apitoken/",
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    created, revoked = permission_entries()
    assert created.actor == users["editor"] and created.data["after"]["prefix"] == token.prefix
    assert revoked.data["after"]["revoked"] is True
    client.force_login(users["editor2"])  # editors read the audit log; writers do not
    listed = client.get("/admin/editorial/auditentry/?scope=site").context["cl"].result_list
    assert {e.pk for e in listed} == {created.pk, revoked.pk}
