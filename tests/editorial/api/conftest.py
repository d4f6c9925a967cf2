import json

import pytest
from django.core.cache import cache

from editorial.models import ApiToken
from tests.factories import make_author, make_category


@pytest.fixture(autouse=True)
def _only_the_tests_own_checks(monkeypatch):
    # The quality engine registers itself as a gate provider; these tests state what the API
    # does with findings, so they start from no providers and register their own.
    from editorial import gate

    monkeypatch.setattr(gate, "_providers", [])


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # The local-memory cache outlives a test; each test starts with full rate limits.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def site(db):
    """What a pipeline request refers to: the default byline and a category."""
    return {
        "author": make_author(name="ALLFORCES編集部", slug="editorial"),
        "category": make_category(name="AI技術ガイド", slug="tech"),
    }


class Api:
    """A test client speaking to /api/v1/ with one token."""

    def __init__(self, client, raw: str | None):
        self.client = client
        self.raw = raw

    def headers(self, extra=None):
        headers = dict(extra or {})
        if self.raw is not None:
            headers.setdefault("Authorization", f"Bearer {self.raw}")
        return headers

    def get(self, path, params=None, headers=None):
        return self.client.get(path, params or {}, headers=self.headers(headers))

    def post(
        self, path, data=None, *, headers=None, raw_body=None, content_type="application/json"
    ):
        body = raw_body if raw_body is not None else json.dumps(data or {}, ensure_ascii=False)
        return self.client.post(
            path, body, content_type=content_type, headers=self.headers(headers)
        )


@pytest.fixture
def make_api(client):
    def make(user, **token_fields):
        _, raw = ApiToken.objects.create_token(
            user=user, name=f"{user.username}のトークン", **token_fields
        )
        return Api(client, raw)

    return make


@pytest.fixture
def writer_api(users, make_api, site):
    return make_api(users["writer"])


def draft_payload(**overrides):
    data = {
        "external_id": "pipeline-2026-03-01-llm-costs",
        "title": "LLM 導入コストの最新動向",
        "body": "## 概要\n\n編集部では、導入コストの変化を取材によると次のように整理しました。\n",
        "excerpt": "導入コストの変化を整理します。",
        "description": "LLM の導入コストの最新動向をまとめました。",
        "category": "tech",
        "tags": ["LLM", "コスト"],
    }
    data.update(overrides)
    return data


def assert_matches_spec(response, schema: str):
    """The response body is what /api/v1/openapi.json says it is."""
    from openapi_schema_validator import OAS31Validator

    from editorial.api.openapi import build_spec

    spec = build_spec()
    validator = OAS31Validator(
        {"$ref": f"#/components/schemas/{schema}", "components": spec["components"]}
    )
    errors = sorted(validator.iter_errors(response.json()), key=str)
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors]


@pytest.fixture
def tx_users(transactional_db, django_user_model):
    """`users` for transactional tests: another transactional test may have flushed the role
    groups the first migration created, so they are made again first."""
    from django.contrib.auth.models import Group, Permission

    from editorial import roles

    roles.sync_roles(Group, Permission)

    def make(name, group):
        user = django_user_model.objects.create_user(
            name, f"{name}@example.invalid", "pw-Long-enough-123", is_staff=True
        )
        user.groups.add(Group.objects.get(name=group))
        return user

    return {"writer": make("writer", roles.WRITER), "editor": make("editor", roles.EDITOR)}


@pytest.fixture
def tx_site(transactional_db):
    return {
        "author": make_author(name="ALLFORCES編集部", slug="editorial"),
        "category": make_category(name="AI技術ガイド", slug="tech"),
    }
