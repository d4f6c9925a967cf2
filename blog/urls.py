from django.urls import path, register_converter

from blog import converters, feeds, views
from blog.views import subscribe
from blog.views.sitemap import sitemap_index, sitemap_section

register_converter(converters.FourDigitYear, "yyyy")
register_converter(converters.TwoDigits, "dd")

app_name = "blog"

urlpatterns = [
    path("", views.home, name="home"),
    path("page<int:page>/", views.home, name="home_page"),
    path("favicon.ico", views.favicon, name="favicon"),
    # Feeds and crawler files early: they are fetched often, and each pattern tried before
    # the matching one costs the resolver a little.
    path("feed.xml", feeds.site_feed, name="feed"),
    path("atom.xml", feeds.atom_feed, name="atom_feed"),
    path("feeds/<slug:slug>.xml", feeds.category_feed, name="category_feed"),
    # What a person sees from the RSS links (a browser shows a feed as raw XML).
    path("feeds/", subscribe.site_feed_guide, name="feed_guide"),
    path("feeds/category/<slug:slug>/", subscribe.category_feed_guide, name="category_feed_guide"),
    path("feeds/tag/<str:slug>/", subscribe.tag_feed_guide, name="tag_feed_guide"),
    path("sitemap.xml", sitemap_index, name="sitemap"),
    path("sitemap-<section>.xml", sitemap_section, name="sitemap_section"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("llms.txt", views.llms_txt, name="llms_txt"),
    path("<yyyy:year>/<dd:month>/<dd:day>/<str:slug>/", views.post_detail, name="post_detail"),
    path("category/<slug:slug>/", views.category, name="category"),
    path("category/<slug:slug>/page<int:page>/", views.category, name="category_page"),
    path("tags/", views.tag_index, name="tag_index"),
    path("tag/<str:slug>/", views.tag, name="tag"),
    path("tag/<str:slug>/page<int:page>/", views.tag, name="tag_page"),
    path("tag/<str:slug>/feed.xml", feeds.tag_feed, name="tag_feed"),
    path("author/<slug:slug>/", views.author, name="author"),
    path("author/<slug:slug>/page<int:page>/", views.author, name="author_page"),
    path("archive/", views.archive, name="archive"),
    path("<yyyy:year>/", views.archive_year, name="archive_year"),
    path("<yyyy:year>/<dd:month>/", views.archive_month, name="archive_month"),
    path("search/", views.search, name="search"),
]

# Site pages answer at any other path; this must stay last.
page_urlpatterns = [path("<path:path>", views.page, name="page")]
