from django.conf import settings
from django.utils.functional import SimpleLazyObject


def _site_data():
    from blog.views.common import site_data

    return site_data()


def site(request):
    return {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_URL": settings.SITE_URL,
        "SITE_PUBLISHER": settings.SITE_PUBLISHER,
        "SITE_DESCRIPTION": settings.SITE_DESCRIPTION,
        # Read only by pages that show the navigation, from the fragment cache.
        "site_nav": SimpleLazyObject(_site_data),
    }
