"""/sitemap.xml as a sitemap index pointing at the section sitemaps (absolute SITE_URL)."""

from django.http import HttpResponse
from django.utils.http import http_date
from django.utils.timezone import localtime
from django.utils.xmlutils import SimplerXMLGenerator

from blog.cache import public_page
from blog.sitemaps import index_entries


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
