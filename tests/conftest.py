"""The suite's environment, pinned whatever the shell has exported (tests/environment.py).

How, and why this way: pytest-django imports config.settings and runs django.setup() in its
`pytest_load_initial_conftests` hook, which runs before pytest loads any conftest.py. So by the
time this file is read, settings.py has already computed its values from the shell, including
derived ones (OGP_DOMAIN from SITE_URL, CACHES and the PAGE_CACHE_SECONDS default from
REDIS_URL). Overriding single settings afterwards would have to repeat those derivations, and
any value missed would still come from the shell. Instead `pytest_configure` (which pytest
calls for this file as soon as it is loaded, before collection, so before any test module or
fixture runs) pins os.environ, then runs settings.py again with importlib.reload and installs
the result as django.conf.settings: every value, derived ones included, comes from the pinned
environment through settings.py's own logic, and subprocesses the tests start inherit the same
environment. Settings that changed are announced with `setting_changed`, as override_settings
does, so Django drops anything it had built from the old values (the cache handler among them).
django.setup() read nothing that the pins change (INSTALLED_APPS, LOGGING and TIME_ZONE do not
depend on pinned variables).

The cache is then the local-memory one. `_local_memory_cache` checks that before every test, so
the autouse `cache.clear()` fixtures of tests/blog and tests/editorial/api can never flush a
real Redis; a test that wants Redis asks for `redis_cache`.
"""

from __future__ import annotations

import importlib
import os
import sys
import uuid
from dataclasses import dataclass

import pytest

from tests import environment


def pytest_configure(config):
    environment.apply(os.environ)
    _read_the_settings_again()


def _read_the_settings_again() -> None:
    import django.conf

    if not django.conf.settings.configured:
        return  # settings load later, from the pinned environment
    old = django.conf.settings._wrapped
    module = importlib.reload(sys.modules[old.SETTINGS_MODULE])
    new = django.conf.Settings(module.__name__)
    # The database is left to the shell (environment.SHELL_OWNED), so it is the same; keep the
    # very dicts django.db.connections already holds (it fills in their defaults in place).
    new.DATABASES = old.DATABASES
    django.conf.settings._wrapped = new  # also empties LazySettings' cache of read values

    import django.test.signals  # noqa: F401  (connects Django's receivers for setting_changed)
    from django.test.signals import setting_changed

    for name in sorted(set(dir(old)) | set(dir(new))):
        if name.isupper() and getattr(old, name, None) != getattr(new, name, None):
            value = getattr(new, name, None)
            setting_changed.send(sender=type(new), setting=name, value=value, enter=True)


@pytest.fixture(autouse=True)
def _local_memory_cache(request):
    """Every test runs on the local-memory cache unless it asks for `redis_cache`."""
    if "redis_cache" not in request.fixturenames:
        from django.core.cache import caches
        from django.core.cache.backends.locmem import LocMemCache

        backend = caches["default"]
        assert isinstance(backend, LocMemCache), (
            f"the suite must run on the local-memory cache, not {type(backend).__name__}: "
            "tests/conftest.py pins it (ask for the redis_cache fixture to use Redis)"
        )


@dataclass
class RedisForOneTest:
    url: str
    prefix: str

    @property
    def client(self):
        """The raw redis-py client behind Django's cache."""
        from django.core.cache import caches

        return caches["default"]._cache.get_client(None, write=True)

    def own_keys(self) -> list[bytes]:
        return list(self.client.scan_iter(match=f"{self.prefix}:*"))

    def remove_own_keys(self) -> None:
        """Deletes this test's keys only: never FLUSHDB (Django's cache.clear() on Redis)."""
        if keys := self.own_keys():
            self.client.delete(*keys)


@pytest.fixture
def redis_cache(settings):
    """Django's cache in the Redis named by KOSEI_TEST_REDIS_URL, under a prefix of this test.

    Not REDIS_URL: that is whatever the shell has exported and may be a shared Redis. The test
    must not call cache.clear() (FLUSHDB); its keys are deleted when it ends.
    """
    url = os.environ.get(environment.TEST_REDIS_URL_VARIABLE, "")
    if not url:
        pytest.skip(f"set {environment.TEST_REDIS_URL_VARIABLE} (e.g. redis://127.0.0.1:6379/15)")
    redis = RedisForOneTest(url=url, prefix=f"kosei-test-{uuid.uuid4().hex}")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": redis.prefix,
        }
    }
    try:
        yield redis
    finally:
        redis.remove_own_keys()
