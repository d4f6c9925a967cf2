"""The suite runs with the pinned environment of tests/environment.py, whatever the shell has.

These fail when the pinning in tests/conftest.py is removed or stops reaching the settings: the
pinned values are neither settings.py's defaults nor the production site's.
"""

import os
import re
from pathlib import Path

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache

from tests import environment
from tests.deployed import server

SETTINGS_PY = Path(__file__).resolve().parent.parent / "config" / "settings.py"


def test_the_settings_have_the_pinned_values():
    assert settings.SITE_URL == environment.SITE_URL
    assert settings.SITE_NAME == environment.SITE_NAME
    assert settings.SITE_PUBLISHER == environment.SITE_PUBLISHER
    assert settings.SITE_DESCRIPTION == environment.SITE_DESCRIPTION
    assert settings.AMAZON_ASSOCIATE_TAG == environment.AMAZON_ASSOCIATE_TAG
    assert settings.TWITTER_SITE == environment.TWITTER_SITE
    assert settings.PAGE_CACHE_SECONDS == environment.PAGE_CACHE_SECONDS
    assert settings.FRAGMENT_CACHE_SECONDS == environment.FRAGMENT_CACHE_SECONDS


def test_values_settings_py_derives_follow_the_pins():
    assert settings.OGP_DOMAIN == environment.OGP_DOMAIN == "kosei.test"
    assert settings.REDIS_URL == ""
    assert settings.CACHES["default"]["BACKEND"] == environment.LOCMEM_BACKEND
    assert settings.OGP_CARDS_ON_SAVE is False  # settings.py's default under pytest


def test_the_cache_is_the_local_memory_one():
    assert isinstance(caches["default"], LocMemCache)
    cache.set("pinned", "yes")  # the locmem cache is private to this process
    assert cache.get("pinned") == "yes"


def test_the_environment_is_pinned_for_subprocesses_too():
    for name, value in environment.PINNED.items():
        assert os.environ[name] == value, name
    assert not [name for name in environment.CLEARED if name in os.environ]


def test_every_variable_settings_py_reads_is_pinned_cleared_or_left_to_the_shell():
    source = SETTINGS_PY.read_text(encoding="utf-8")
    read = set(re.findall(r'(?:os\.environ\.get|env_bool|env_list)\(\s*"([A-Z_]+)"', source))
    assert len(read) > 40, "the scan of settings.py found too few variables"
    known = set(environment.PINNED) | set(environment.CLEARED) | set(environment.SHELL_OWNED)
    assert not read - known, "add these to tests/environment.py's PINNED or CLEARED"


def test_the_deployed_site_gets_none_of_the_suites_settings_variables():
    # tests/deployed/server.py starts gunicorn with production settings, not the test pins.
    assert set(environment.PINNED) | set(environment.CLEARED) <= set(server._DROPPED)


def test_a_test_that_asks_for_redis_gets_its_own_keys_and_leaves_the_rest(redis_cache):
    foreign = "kosei-test-foreign-key"
    redis_cache.client.set(foreign, "kept")
    try:
        cache.set("page", "on redis")
        assert cache.get("page") == "on redis"
        assert len(redis_cache.own_keys()) == 1
        redis_cache.remove_own_keys()
        assert cache.get("page") is None
        assert redis_cache.client.get(foreign) == b"kept"
    finally:
        redis_cache.client.delete(foreign)
