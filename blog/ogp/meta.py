"""The `og:image` an article page declares: the post's card (uploaded or generated, see
`Post.og_image`), else the site's default image."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.templatetags.static import static

from blog.logic import ogp
from blog.logic.urls import absolute_url

DEFAULT_OGP_IMAGE = "img/ogp-default.png"


@dataclass(frozen=True)
class OgImage:
    """What the article page tells social networks about its card."""

    url: str
    width: int | None
    height: int | None
    type: str
    alt: str


def og_image(post) -> OgImage:
    """The post's share image: its card (the uploaded override or the generated one), else
    the site's default image. Always absolute, with its size."""
    card = post.og_image  # already absolute
    if card is not None:
        return card
    return OgImage(
        absolute_url(static(DEFAULT_OGP_IMAGE), settings.SITE_URL),
        ogp.WIDTH,
        ogp.HEIGHT,
        "image/png",
        settings.SITE_NAME,
    )
