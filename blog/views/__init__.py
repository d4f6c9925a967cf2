"""Public views, one module per kind of page."""

from blog.views.lists import (
    archive,
    archive_month,
    archive_year,
    author,
    category,
    home,
    tag,
    tag_index,
)
from blog.views.post import post_detail
from blog.views.site import favicon, llms_txt, page, page_not_found, robots_txt, search

__all__ = [
    "archive",
    "archive_month",
    "archive_year",
    "author",
    "category",
    "favicon",
    "home",
    "llms_txt",
    "page",
    "page_not_found",
    "post_detail",
    "robots_txt",
    "search",
    "tag",
    "tag_index",
]
