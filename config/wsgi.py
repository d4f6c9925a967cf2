import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django_application = get_wsgi_application()

from blog.cache import PageCacheApplication  # noqa: E402  (needs the settings loaded)

# Page-cache hits are answered in front of Django's request handling (blog/cache.py).
application = PageCacheApplication(django_application)
