"""/sitemap.xml as a sitemap index pointing at the section sitemaps (absolute SITE_URL)."""

import datetime as dt

from django.conf import settings
from django.contrib.sitemaps import views as sitemap_views
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.http import http_date
from django.utils.timezone import localtime
from django.utils.xmlutils import SimplerXMLGenerator

from blog.cache import fragment_key, public_page
from blog.sitemaps import SITEMAPS, index_entries


@public_page
def sitemap_index(request):
    response = HttpResponse(content_type="application/xml; charset=utf-8")
    xml = SimplerXMLGenerator(response, "utf-8")
    xml.startDocument()
    xml.startElement("sitemapindex", {"xmlns": "http://www.sitemaps.org/schemas/sitemap/0.9"})
    newest = None
    for url, lastmod in index_entries(request):
        xml.startElement("sitemap", {})
        xml.addQuickElement("loc", url)
        if lastmod is not None:
            xml.addQuickElement("lastmod", localtime(lastmod).isoformat(timespec="seconds"))
            newest = max(newest or lastmod, lastmod)
        xml.endElement("sitemap")
    xml.endElement("sitemapindex")
    xml.endDocument()
    if newest is not None:
        response["Last-Modified"] = http_date(newest.timestamp())
    return response


def _lastmod(value) -> str:
    # The date in Tokyo, as Django's sitemap template wrote it.
    if isinstance(value, dt.datetime):
        return localtime(value).date().isoformat()
    return value.isoformat()


_SECTION_HEADERS = ("Last-Modified", "X-Robots-Tag")


@public_page
def sitemap_section(request, section: str):
    """One section's sitemap, kept as a fragment of the current public generation: building
    3,000 URLs costs about a quarter of a second, and any change to what is public starts a new
    generation, so the cached XML is never older than the content."""
    key = fragment_key("sitemap", section, request.GET.get("p", "1"))
    entry = cache.get(key)
    if entry is None:
        built = _build_section(request, section)
        entry = {
            "body": built.content,
            "status": built.status_code,
            "headers": {h: built[h] for h in _SECTION_HEADERS if built.has_header(h)},
        }
        cache.set(key, entry, settings.FRAGMENT_CACHE_SECONDS)
    response = HttpResponse(
        entry["body"], content_type="application/xml; charset=utf-8", status=entry["status"]
    )
    for header, value in entry["headers"].items():
        response[header] = value
    return response


def _build_section(request, section: str) -> HttpResponse:
    """Django's sitemap view gathers the URLs (pagination, 404s, Last-Modified); the XML is
    written here directly, because its template spent most of a request on 3,000 URLs (over a
    second) formatting dates."""
    gathered = sitemap_views.sitemap(request, sitemaps=SITEMAPS, section=section)
    response = HttpResponse(content_type="application/xml; charset=utf-8")
    for header in _SECTION_HEADERS:
        if gathered.has_header(header):
            response[header] = gathered[header]
    xml = SimplerXMLGenerator(response, "utf-8")
    xml.startDocument()
    xml.startElement("urlset", {"xmlns": "http://www.sitemaps.org/schemas/sitemap/0.9"})
    for url in gathered.context_data["urlset"]:
        xml.startElement("url", {})
        xml.addQuickElement("loc", url["location"])
        if url.get("lastmod"):
            xml.addQuickElement("lastmod", _lastmod(url["lastmod"]))
        if url.get("changefreq"):
            xml.addQuickElement("changefreq", url["changefreq"])
        if url.get("priority"):
            xml.addQuickElement("priority", str(url["priority"]))
        xml.endElement("url")
    xml.endElement("urlset")
    xml.endDocument()
    return response
