"""Notification switches in the admin: each user sets only their own, as checkboxes."""

import pytest

from editorial.models import NotificationPreference

pytestmark = pytest.mark.django_db

URL = "/admin/editorial/notificationpreference/"


def test_a_writer_switches_off_their_own_kinds_with_checkboxes(users, client):
    client.force_login(users["writer"])
    page = client.get(URL + "add/").content.decode()
    assert 'type="checkbox"' in page and "自分の記事が差し戻されたとき" in page
    response = client.post(
        URL + "add/",
        {"user": users["editor"].pk, "disabled_kinds": ["approved", "mention"]},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    preference = NotificationPreference.objects.get()
    assert preference.user == users["writer"]  # never the user the request named
    assert preference.disabled_kinds == ["approved", "mention"]


def test_unknown_kinds_are_refused(users, client):
    client.force_login(users["writer"])
    response = client.post(URL + "add/", {"disabled_kinds": ["everything"]})
    assert response.status_code == 200
    assert not NotificationPreference.objects.exists()


def test_nobody_but_a_superuser_sees_or_changes_anothers_settings(users, client):
    theirs = NotificationPreference.objects.create(user=users["editor"], disabled_kinds=[])
    client.force_login(users["writer"])
    assert client.get(f"{URL}{theirs.pk}/change/").status_code in (302, 403)
    client.post(f"{URL}{theirs.pk}/change/", {"disabled_kinds": ["submitted"]})
    client.post(f"{URL}{theirs.pk}/delete/", {"post": "yes"})
    theirs.refresh_from_db()
    assert theirs.disabled_kinds == []
    listed = client.get(URL).context["cl"].result_list
    assert list(listed) == []
