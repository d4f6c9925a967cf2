import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _empty_cache():
    """Pages and fragments are cached across requests; each test starts from nothing."""
    cache.clear()
    yield
    cache.clear()
