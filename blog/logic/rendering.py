"""Markdown to safe HTML for article bodies, without Django.

Article bodies are untrusted input. They are written by many authors, migrated from a Jekyll
site (so they still contain Liquid tags and kramdown attribute lines), and increasingly drafted
by an AI pipeline that can be steered by whatever text it was fed. Python-Markdown passes raw
HTML through and does not check URLs, so its output is never trusted either. The pipeline is:

1. Strip Liquid (``{% ... %}`` and ``{{ ... }}``) outside code: it is never executed here and
   must not leak into the page. Inside fenced code and inline code it is literal text.
2. Convert with Python-Markdown. Kramdown block attribute lines (``{: .class}`` on their own
   line, even after a blank line) are attached to the preceding block instead of being printed.
3. Sanitise with nh3 against an explicit allowlist of tags, attributes, URL schemes and class
   names. Everything not listed is dropped.
4. Post-process the (now well-formed) HTML with the stdlib parser: lazy images, scrollable
   tables, ``rel`` on external and Amazon links, and collect the table of contents and the plain
   text from the very HTML that is stored, so ids and titles always match it. Images uploaded
   through the admin get their resized renditions (``<picture>`` with WebP and ``srcset``,
   ``width``/``height``) from an ``images`` lookup the caller passes in: this module never
   looks anything up itself.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urlsplit
from xml.etree.ElementTree import Element

import markdown
import nh3
from markdown.extensions import Extension
from markdown.extensions.attr_list import AttrListTreeprocessor
from markdown.extensions.codehilite import CodeHiliteExtension
from markdown.extensions.footnotes import FootnoteExtension
from markdown.extensions.tables import TableExtension
from markdown.extensions.toc import TocExtension, slugify_unicode
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import HTML_PLACEHOLDER_RE


@dataclass(frozen=True)
class TocEntry:
    level: int
    id: str
    title: str


@dataclass(frozen=True)
class Rendered:
    html: str
    toc: list[TocEntry]
    text: str


@dataclass(frozen=True)
class ImageSource:
    url: str
    width: int


@dataclass(frozen=True)
class ResponsiveImage:
    """An uploaded image's renditions, as the page offers them to browsers."""

    src: str  # the fallback (the widest rendition in the original format)
    width: int
    height: int
    sources: tuple[ImageSource, ...]  # in the original format, narrowest first
    webp: tuple[ImageSource, ...] = ()


# Given an <img src> from the body, the renditions of that uploaded image, or None.
ImageLookup = Callable[[str], ResponsiveImage | None]

# The body column is at most 44rem wide (--measure in site.css) and full width on phones.
IMAGE_SIZES = "(max-width: 46rem) 100vw, 44rem"


def render_markdown(source: str, *, images: ImageLookup | None = None) -> Rendered:
    """Render an article body to sanitised HTML, its h2/h3 table of contents and plain text.

    `images` maps the src of an uploaded image to its renditions (see ResponsiveImage)."""
    # A fresh instance per call: Markdown objects keep per-document state (footnotes, TOC,
    # the HTML stash) and are not thread-safe.
    raw_html = _build_markdown().convert(source)
    return _post_process(_CLEANER.clean(raw_html), images)


# --- 1. Liquid -------------------------------------------------------------------------------

# A tag ends at its first closing delimiter (so `.*?` cannot run on through later text).
_LIQUID = r"\{%(?:(?!%\}).)*%\}|\{\{(?:(?!\}\}).)*\}\}"
# A line holding nothing but Liquid disappears with its line break, so that removing
# `{% include related.html %}` from inside a paragraph or list does not split it in two.
_LIQUID_RE = re.compile(rf"^[ \t]*(?:(?:{_LIQUID})[ \t]*)+(?:\n|\Z)|{_LIQUID}", re.DOTALL | re.M)
# Code spans as Python-Markdown sees them: a run of backticks closed by a run of the same length.
_CODE_SPAN_RE = re.compile(r"(?<!\\)(`+).+?(?<!`)\1(?!`)", re.DOTALL)
# Inline markup never crosses a blank line, so code spans are looked for block by block.
_BLANK_LINES_RE = re.compile(r"(\n[ \t]*\n)")


def _strip_liquid(text: str) -> str:
    """Remove Liquid tags and output from Markdown text, except inside inline code spans.

    Fenced code is not seen here: the preprocessor below runs after Python-Markdown has already
    stashed fenced blocks away. Indented code blocks are treated as prose; use fences for code.
    """
    return "".join(_strip_liquid_in_block(block) for block in _BLANK_LINES_RE.split(text))


def _strip_liquid_in_block(block: str) -> str:
    code_spans = [match.span() for match in _CODE_SPAN_RE.finditer(block)]

    def replace(match: re.Match[str]) -> str:
        start, end = match.span()
        inside_code = any(
            code_start <= start and end <= code_end for code_start, code_end in code_spans
        )
        return match.group() if inside_code else ""

    return _LIQUID_RE.sub(replace, block)


class _LiquidPreprocessor(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        return _strip_liquid("\n".join(lines)).split("\n")


# --- 2. Kramdown attribute lines -------------------------------------------------------------

# `{: .consulting-cta-link}` alone in a paragraph: it was separated from its block by a blank
# line, or it follows a block that attr_list cannot annotate from inside (e.g. a heading).
_IAL_PARAGRAPH_RE = re.compile(r"\{:[ ]*([^}\n ][^\n]*)\}")


class _DetachedAttributeListTreeprocessor(Treeprocessor):
    """Apply stand-alone `{: ...}` paragraphs to the previous block, or drop them."""

    def __init__(self, md: markdown.Markdown, attr_list: AttrListTreeprocessor) -> None:
        super().__init__(md)
        self.attr_list = attr_list

    def run(self, root: Element) -> None:
        for parent in list(root.iter()):
            previous: Element | None = None
            for child in list(parent):
                match = _ial_paragraph_match(child)
                if match is None:
                    previous = child
                    continue
                if previous is not None and not _is_stash_placeholder(previous):
                    self.attr_list.assign_attrs(previous, match.group(1))
                parent.remove(child)


def _ial_paragraph_match(element: Element) -> re.Match[str] | None:
    if element.tag != "p" or len(element) or not element.text:
        return None
    return _IAL_PARAGRAPH_RE.fullmatch(element.text.strip())


def _is_stash_placeholder(element: Element) -> bool:
    # Raw HTML and highlighted code are stashed and swapped back in for `<p>placeholder</p>`;
    # giving that paragraph attributes would nest a block inside a <p>, so nothing is attached.
    return element.tag == "p" and bool(HTML_PLACEHOLDER_RE.fullmatch((element.text or "").strip()))


class _KoseiExtension(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Markdown's API)
        # After fenced_code (25) has stashed code blocks, before html_block (20).
        md.preprocessors.register(_LiquidPreprocessor(md), "kosei_liquid", 24)
        # After attr_list (8), before toc (5) so that `{: #id}` on a heading reaches the TOC.
        attr_list = md.treeprocessors["attr_list"]
        md.treeprocessors.register(
            _DetachedAttributeListTreeprocessor(md, attr_list), "kosei_detached_ial", 7
        )


def _build_markdown() -> markdown.Markdown:
    return markdown.Markdown(
        extensions=[
            TableExtension(use_align_attribute=True),  # `align`, since `style` is not allowed
            "fenced_code",
            CodeHiliteExtension(css_class="highlight", guess_lang=False, noclasses=False),
            "attr_list",
            FootnoteExtension(BACKLINK_TITLE="本文の注%d に戻る"),
            "sane_lists",
            # The page template renders the TOC from Rendered.toc, so no `[TOC]` marker.
            TocExtension(slugify=slugify_unicode, marker=""),
            _KoseiExtension(),
        ],
        output_format="html",
    )


# --- 3. Sanitising ---------------------------------------------------------------------------

_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_ALLOWED_TAGS = _HEADINGS | {
    "p", "br", "hr", "blockquote", "div", "span",
    "ul", "ol", "li", "dl", "dt", "dd",
    "a", "img", "figure", "figcaption",
    "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
    "pre", "code", "kbd", "samp",
    "em", "strong", "b", "i", "del", "s", "ins", "mark", "small", "sup", "sub", "abbr",
}  # fmt: skip
# Dropped together with their content, not just unwrapped.
_CLEAN_CONTENT_TAGS = {
    "script", "style", "template", "noscript", "iframe", "object", "svg", "math",
    "textarea", "select", "title", "xmp", "noembed", "noframes",
}  # fmt: skip
_ALIGN_VALUES = {"left", "center", "right"}
_ALLOWED_ATTRIBUTES = {
    "*": {"class", "title", "lang"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "ol": {"start"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
    # ids only where anchors are needed (headings for the TOC, footnotes), which limits DOM
    # clobbering of the page's own ids and globals.
    **{tag: {"id"} for tag in (*_HEADINGS, "li", "sup")},
}
# Kramdown/attr_list classes and Pygments token classes ("k", "nf", "s2") all fit this.
_SAFE_CLASS_RE = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,63}")


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    if attribute != "class":
        return value
    classes = [name for name in value.split() if _SAFE_CLASS_RE.fullmatch(name)]
    return " ".join(classes) or None


_CLEANER = nh3.Cleaner(
    tags=set(_ALLOWED_TAGS),
    clean_content_tags=_CLEAN_CONTENT_TAGS,
    attributes=_ALLOWED_ATTRIBUTES,
    tag_attribute_values={"th": {"align": _ALIGN_VALUES}, "td": {"align": _ALIGN_VALUES}},
    attribute_filter=_filter_attribute,
    url_schemes={"http", "https", "mailto"},  # relative URLs pass; every other scheme is dropped
    link_rel=None,  # rel is decided below, per link
    strip_comments=True,
)


# --- 4. Post-processing ----------------------------------------------------------------------

_AMAZON_DOMAINS = ("amazon.co.jp", "amazon.com", "amzn.to", "amzn.asia")
_VOID_TAGS = frozenset({"br", "hr", "img", "wbr"})
# Elements that separate words in the plain text.
_BLOCK_TAGS = _HEADINGS | {
    "p", "br", "hr", "blockquote", "div", "ul", "ol", "li", "dl", "dt", "dd", "figure",
    "figcaption", "table", "caption", "tr", "th", "td", "pre",
}  # fmt: skip
_TOC_LEVELS = {"h2": 2, "h3": 3}
# Ids the page templates give their own elements (the skip link's target, the TOC's title,
# the search forms...). A body element with one of them (a heading titled "main", a `{: #id}`)
# would make the page's id ambiguous, so it gets PAGE_ID_SUFFIX. tests/blog/test_rendering.py
# checks this list against the templates.
PAGE_IDS = frozenset(
    {
        "main", "toc-title", "site-search", "share-heading", "search-page-q", "related-heading",
        "notfound-q", "latest-heading", "cta-heading", "books-heading",
    }
)  # fmt: skip
PAGE_ID_SUFFIX = "-body"


def _link_rel(href: str | None) -> str | None:
    """The rel for a link: sponsored for Amazon, noopener for other sites, none for our own."""
    if not href:
        return None
    try:
        url = urlsplit(href.strip())
        host = (url.hostname or "").rstrip(".")
    except ValueError:
        return None
    if url.scheme not in {"http", "https", ""} or not host:
        return None  # relative, fragment or mailto
    if any(host == domain or host.endswith("." + domain) for domain in _AMAZON_DOMAINS):
        return "sponsored noopener"
    return "noopener"


def _collapse_whitespace(text: str) -> str:
    return " ".join(text.split())


def _srcset(sources: tuple[ImageSource, ...]) -> str:
    return ", ".join(f"{source.url} {source.width}w" for source in sources)


class _PostProcessor(HTMLParser):
    def __init__(self, images: ImageLookup | None = None) -> None:
        super().__init__(convert_charrefs=True)
        self.images = images
        self.out: list[str] = []
        self.text: list[str] = []
        self.toc: list[TocEntry] = []
        self._heading: tuple[str, int, str, list[str]] | None = None  # tag, level, id, text

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if any(name == "id" and value in PAGE_IDS for name, value in attrs):
            attrs = [
                (name, f"{value}{PAGE_ID_SUFFIX}" if name == "id" and value in PAGE_IDS else value)
                for name, value in attrs
            ]
        if tag == "img":
            responsive = self._responsive(attrs)
            if responsive is not None:
                self._picture(responsive, attrs)
                return
            attrs = [*attrs, ("loading", "lazy"), ("decoding", "async")]
        elif tag == "a":
            rel = _link_rel(dict(attrs).get("href"))
            attrs = [(name, value) for name, value in attrs if name != "rel"]
            if rel:
                attrs.append(("rel", rel))
        elif tag == "table":
            self.out.append('<div class="table-scroll">')
        elif tag in _TOC_LEVELS and self._heading is None:
            heading_id = dict(attrs).get("id")
            if heading_id:
                self._heading = (tag, _TOC_LEVELS[tag], heading_id, [])
        if tag in _BLOCK_TAGS:
            self.text.append(" ")
        self.out.append(f"<{tag}{_format_attributes(attrs)}>")

    def _responsive(self, attrs: list[tuple[str, str | None]]) -> ResponsiveImage | None:
        src = dict(attrs).get("src")
        if not src or self.images is None:
            return None
        return self.images(src)

    def _picture(self, image: ResponsiveImage, attrs: list[tuple[str, str | None]]) -> None:
        """An uploaded image: WebP for browsers that take it, the original format otherwise,
        each at the widths in srcset; width and height reserve the space before it loads."""
        kept = [(name, value) for name, value in attrs if name in {"alt", "title", "class"}]
        self.out.append("<picture>")
        if image.webp:
            webp = [("type", "image/webp"), ("srcset", _srcset(image.webp))]
            self.out.append(f"<source{_format_attributes([*webp, ('sizes', IMAGE_SIZES)])}>")
        img = [("src", image.src)]
        if image.sources:
            img += [("srcset", _srcset(image.sources)), ("sizes", IMAGE_SIZES)]
        img += [("width", str(image.width)), ("height", str(image.height)), *kept]
        img += [("loading", "lazy"), ("decoding", "async")]
        self.out.append(f"<img{_format_attributes(img)}></picture>")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID_TAGS:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID_TAGS:
            return
        self.out.append(f"</{tag}>")
        if tag == "table":
            self.out.append("</div>")
        if tag in _BLOCK_TAGS:
            self.text.append(" ")
        if self._heading is not None and self._heading[0] == tag:
            _, level, heading_id, parts = self._heading
            self.toc.append(TocEntry(level, heading_id, _collapse_whitespace("".join(parts))))
            self._heading = None

    def handle_data(self, data: str) -> None:
        self.out.append(html.escape(data, quote=False))
        self.text.append(data)
        if self._heading is not None:
            self._heading[3].append(data)


def _format_attributes(attrs: list[tuple[str, str | None]]) -> str:
    return "".join(
        f" {name}" if value is None else f' {name}="{html.escape(value, quote=True)}"'
        for name, value in attrs
    )


def _post_process(clean_html: str, images: ImageLookup | None = None) -> Rendered:
    parser = _PostProcessor(images)
    parser.feed(clean_html)
    parser.close()
    return Rendered(
        html="".join(parser.out),
        toc=parser.toc,
        text=_collapse_whitespace("".join(parser.text)),
    )
