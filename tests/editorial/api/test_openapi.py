"""/api/v1/openapi.json is valid OpenAPI 3.1 and describes exactly the routes that exist."""

import re

import pytest
from django.urls import URLPattern, get_resolver
from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

from editorial.api import urls as api_urls
from editorial.api.errors import ERRORS
from editorial.api.openapi import build_spec

pytestmark = pytest.mark.django_db


def served_spec(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    return response.json()


def test_the_served_document_is_valid_openapi_3_1(client):
    spec = served_spec(client)
    assert spec["openapi"].startswith("3.1")
    validate(spec)  # raises on any violation


def test_the_validator_would_notice_a_broken_document(client):
    spec = served_spec(client)
    spec["paths"]["/api/v1/drafts"]["post"]["responses"]["201"] = {"content": {}}
    with pytest.raises(OpenAPIValidationError):
        validate(spec)


def _documented_routes(spec) -> set[tuple[str, str]]:
    methods = {"get", "post", "put", "patch", "delete"}
    return {
        (path, method.upper())
        for path, item in spec["paths"].items()
        for method in item
        if method in methods
    }


def _implemented_routes() -> set[tuple[str, str]]:
    """From the URL resolver: every /api/ route and the methods its view accepts."""
    prefix = next(
        str(p.pattern)
        for p in get_resolver().url_patterns
        if getattr(p, "urlconf_name", None) is api_urls
        or getattr(p, "urlconf_module", None) is api_urls
    )
    routes = set()
    for pattern in api_urls.urlpatterns:
        assert isinstance(pattern, URLPattern)
        if pattern.name == "not_found":
            continue  # the catch-all JSON 404, not an operation
        path = "/" + prefix + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", str(pattern.pattern))
        methods = getattr(pattern.callback, "api_methods", {"GET"})
        routes |= {(path, method) for method in methods}
    return routes


def test_documented_paths_and_methods_are_exactly_the_implemented_ones(client):
    assert _documented_routes(served_spec(client)) == _implemented_routes()


def test_every_error_code_the_code_can_return_is_in_the_spec():
    enum = build_spec()["components"]["schemas"]["ErrorCode"]["enum"]
    assert sorted(enum) == sorted(ERRORS)


def test_the_spec_states_the_configured_limits(settings):
    settings.API_RATE_LIMIT_PER_MINUTE = 30
    assert "1分あたり 30 リクエスト" in build_spec()["info"]["description"]


def test_the_spec_needs_no_token(client):
    assert client.get("/api/v1/openapi.json").status_code == 200
