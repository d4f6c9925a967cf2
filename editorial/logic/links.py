"""Links: internal links to posts that are not published (and which post was probably meant),
garbled slugs, Amazon links without the associate tag or cut off, and the affiliate disclosure
the law (ステマ規制, since 2023-10) requires before the first affiliate link."""

from __future__ import annotations

import html as html_lib
import re
import unicodedata
from collections.abc import Iterable, Iterator
from difflib import SequenceMatcher
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

from blog.logic.asin import asin_error
from blog.logic.urls import split_article_path
from editorial.logic.draft import (
    ERROR,
    INFO,
    WARNING,
    Config,
    Draft,
    Edit,
    Finding,
    Fix,
    Link,
    PostRef,
    SiteContext,
)
from editorial.logic.footers import DISCLOSURE_RE
from editorial.logic.registry import check, define, finding
from editorial.logic.text import Doc, slug_key, snippet
from editorial.logic.titles import lost_voiced_marks

INTERNAL_MISSING = define("links.internal_missing", "存在しない記事へのリンク", ERROR)
REDIRECTED = define("links.redirected", "リダイレクト経由のリンク", INFO)
SLUG_GARBLED = define("links.slug_garbled", "崩れたスラッグのリンク", WARNING)
SLUG_NON_ASCII = define("links.slug_non_ascii", "英数字以外のスラッグへのリンク", INFO)
AMAZON_TAG = define("links.amazon_tag", "アソシエイトタグのない Amazon リンク", WARNING)
AMAZON_CUT = define("links.amazon_cut", "途中で切れた Amazon リンク", ERROR)
DISCLOSURE = define("affiliate.disclosure", "アフィリエイト表示がない・冒頭にない", ERROR)
SPONSORED = define("affiliate.sponsored", 'rel="sponsored" のないアフィリエイトリンク', ERROR)

_INLINE_RE = re.compile(
    r"(?<!!)\[(?P<text>[^\]\n]*)\]\(\s*<?(?P<url>[^)\s>]+)>?(?:\s+[\"'][^\"']*[\"'])?\s*\)"
)
_AUTOLINK_RE = re.compile(r"<(?P<url>https?://[^>\s]+)>")
_HTML_A_RE = re.compile(
    r"<a\s[^>]*?href\s*=\s*[\"'](?P<url>[^\"']+)[\"'][^>]*>(?P<text>[^<]*)", re.I
)
_REFERENCE_RE = re.compile(r"^ {0,3}\[(?P<text>[^\]]+)\]:\s*<?(?P<url>\S+?)>?(?:\s|$)", re.M)
_RENDERED_A_RE = re.compile(r"<a\s[^>]*>", re.I)
_ATTR_RE = re.compile(r"(\w+)\s*=\s*\"([^\"]*)\"")
_AMAZON_HOSTS = ("amazon.co.jp", "amazon.com", "amzn.to", "amzn.asia")
_AMAZON_PRODUCT_RE = re.compile(r"/(?:dp|gp/product|exec/obidos/ASIN|o/ASIN)/([^/?#]*)", re.I)
_CUT_END_RE = re.compile(r"(?:\.{3}|…|%[0-9A-Fa-f]?)$")
# "Near the top": before the first affiliate link and within this share of the body.
_TOP_SHARE = 0.2
_TOP_MIN_CHARS = 800


def extract_links(body: str, rendered_html: str, doc: Doc | None = None) -> list[Link]:
    """Every link in the Markdown source with its line, the URL's position, and the rel the
    renderer gave it (from the rendered HTML)."""
    doc = doc or Doc(body)
    rels = _rels(rendered_html)
    links = []
    for pattern, kind in (
        (_INLINE_RE, "markdown"),
        (_AUTOLINK_RE, "autolink"),
        (_HTML_A_RE, "html"),
        (_REFERENCE_RE, "reference"),
    ):
        for match in pattern.finditer(body):
            if doc.in_code(match.start()):
                continue
            url = match.group("url")
            text = match.groupdict().get("text") or ""
            links.append(
                Link(
                    url=url,
                    text=text,
                    line=doc.line_at(match.start()),
                    start=match.start("url"),
                    end=match.end("url"),
                    rel=rels.get(html_lib.unescape(url), frozenset()),
                    kind=kind,
                )
            )
    links.sort(key=lambda link: link.start)
    return links


def _rels(rendered_html: str) -> dict[str, frozenset[str]]:
    rels: dict[str, frozenset[str]] = {}
    for tag in _RENDERED_A_RE.finditer(rendered_html):
        attributes = dict(_ATTR_RE.findall(tag.group()))
        href = attributes.get("href")
        if href is not None:
            rels[html_lib.unescape(href)] = frozenset(attributes.get("rel", "").split())
    return rels


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").rstrip(".").lower()
    except ValueError:
        return ""


def _host_in(host: str, domains: Iterable[str]) -> bool:
    return any(host == d or host.endswith("." + d) for d in domains)


def internal_path(url: str, config: Config) -> str | None:
    """The site path a link points to, or None for other sites, mail, anchors."""
    if url.startswith("//"):
        url = "https:" + url
    if not (url.startswith("/") or _host_in(_host(url), config.site_hosts)):
        return None
    path = urlsplit(url).path
    # NFC, as slugs are stored: width forms are part of a slug and must not be folded.
    return unicodedata.normalize("NFC", unquote(path, errors="replace"))


def _canonical(path: str) -> str:
    return path if path.endswith("/") else path + "/"


def links_of(draft: Draft) -> tuple[Link, ...]:
    """The draft's links: as given, or found in its body once (and kept on the draft)."""
    if draft.links is None:
        draft.links = tuple(extract_links(draft.body, draft.html or "", draft.doc))
    return draft.links


@check("links")
def check_links(draft: Draft, config: Config, context: SiteContext) -> Iterator[Finding]:
    for link in links_of(draft):
        path = internal_path(link.url, config)
        if path is not None:
            yield from _internal(link, path, config, context)
        elif _host_in(_host(link.url), _AMAZON_HOSTS):
            yield from _amazon(link, config)


def _internal(link: Link, path: str, config: Config, context: SiteContext) -> Iterator[Finding]:
    # As the `^...$` pattern this was: a final newline (a link ending in %0A) is let through.
    article = split_article_path(path) or (
        split_article_path(path[:-1]) if path.endswith("\n") else None
    )
    if not article:
        return
    slug = article[3]
    where = f"{link.line}行目のリンク「{snippet(link.text or link.url, 30)}」"
    path = _canonical(path)
    if context.published_paths is not None and path not in context.published_paths:
        target = context.redirect_targets.get(path)
        if target is not None and target in context.published_paths:
            yield finding(
                REDIRECTED,
                f"{where}（{path}）は移転済みの URL で、リダイレクトで {target} に届きます。",
                line=link.line,
                start=link.start,
                end=link.end,
                excerpt=link.url,
                fix=Fix(
                    "リンク先を新しい URL に直す", "body", (Edit(link.start, link.end, target),)
                ),
            )
        else:
            meant = guess_target(slug, link.text, context)
            hint = f"「{meant.title}」（{meant.path}）のことではありませんか。" if meant else ""
            yield finding(
                INTERNAL_MISSING,
                f"{where}の先（{path}）は公開中の記事ではありません。{hint}",
                line=link.line,
                start=link.start,
                end=link.end,
                excerpt=link.url,
                refs=(meant,) if meant else (),
                fix=(
                    Fix(
                        f"リンク先を「{snippet(meant.title, 20)}」に直す",
                        "body",
                        (Edit(link.start, link.end, meant.path),),
                    )
                    if meant
                    else None
                ),
            )
            return
    if slug.startswith("-") or slug.endswith("-") or "\ufffd" in slug:
        yield finding(
            SLUG_GARBLED,
            f"{where}のスラッグ「{slug}」が途中で切れているか壊れています。",
            line=link.line,
            start=link.start,
            end=link.end,
            excerpt=link.url,
        )
    elif not slug.isascii():
        lost = lost_voiced_marks(slug, link.text)
        if lost:
            pairs = "、".join(f"「{w}」→「{r}」" for w, r in lost)
            yield finding(
                SLUG_GARBLED,
                f"{where}のスラッグは濁点・半濁点が落ちています（{pairs}）。",
                line=link.line,
                start=link.start,
                end=link.end,
                excerpt=link.url,
            )
        else:
            yield finding(
                SLUG_NON_ASCII,
                f"{where}のスラッグ「{slug}」に英数字以外の文字があります。",
                line=link.line,
                start=link.start,
                end=link.end,
                excerpt=link.url,
            )


def guess_target(slug: str, text: str, context: SiteContext) -> PostRef | None:
    """The published post a broken link most likely meant: the same slug on another date,
    the slug with its voiced marks restored, a slug that was cut short, or the link text
    matching a title."""
    index = context.slug_index
    wanted = slug_key(slug)
    exact = index.get(wanted)
    if exact:
        return exact[0]
    prefix = wanted[:8]
    best, best_score = None, 0.0
    for candidate_key, posts in context.slug_prefix_index.get(prefix, {}).items():
        score = SequenceMatcher(None, wanted, candidate_key).ratio()
        if candidate_key.startswith(wanted) and len(wanted) >= 12:
            score = max(score, 0.95)  # a slug cut short by the old generator
        if score > best_score:
            best, best_score = posts[0], score
    if best is not None and best_score >= 0.8:
        return best
    if text:
        return context.title_index.get(slug_key(text))
    return None


def _amazon(link: Link, config: Config) -> Iterator[Finding]:
    url = link.url
    where = f"{link.line}行目の Amazon リンク"
    product = _AMAZON_PRODUCT_RE.search(urlsplit(url).path)
    cut_reason = None
    if _CUT_END_RE.search(url):
        cut_reason = "URL が途中で終わっています"
    elif product is not None and asin_error(product.group(1)):
        cut_reason = (
            f"商品番号（ASIN）「{product.group(1)}」が不正です（{asin_error(product.group(1))}）"
        )
    if cut_reason:
        yield finding(
            AMAZON_CUT,
            f"{where}が壊れています: {cut_reason}。",
            line=link.line,
            start=link.start,
            end=link.end,
            excerpt=url,
        )
        return
    if not config.associate_tag or _host(url) in {"amzn.to", "amzn.asia"}:
        return  # short links hide their query; nothing to compare
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    tag = next((value for name, value in query if name == "tag"), None)
    if tag == config.associate_tag:
        return
    fixed_query = [(n, v) for n, v in query if n != "tag"] + [("tag", config.associate_tag)]
    fixed = urlunsplit(parts._replace(query=urlencode(fixed_query)))
    problem = "アソシエイトタグがありません" if tag is None else f"タグが「{tag}」です"
    yield finding(
        AMAZON_TAG,
        f"{where}に{problem}（サイトのタグは「{config.associate_tag}」）。",
        line=link.line,
        start=link.start,
        end=link.end,
        excerpt=url,
        fix=Fix("アソシエイトタグを付け直す", "body", (Edit(link.start, link.end, fixed),)),
    )


def _is_affiliate(link: Link, config: Config) -> bool:
    return _host_in(_host(link.url), config.affiliate_hosts)


@check("affiliate")
def check_affiliate(draft: Draft, config: Config, context: SiteContext) -> Iterator[Finding]:
    affiliate_links = [link for link in links_of(draft) if _is_affiliate(link, config)]
    if not affiliate_links and not draft.books:
        return
    for link in affiliate_links:
        if "sponsored" not in link.rel:
            yield finding(
                SPONSORED,
                f'{link.line}行目のアフィリエイトリンクに rel="sponsored" が付いていません'
                "（広告であることを示す必要があります）。",
                line=link.line,
                start=link.start,
                end=link.end,
                excerpt=link.url,
            )
    if config.template_disclosure:
        # The page prints the disclosure above the body whenever it has books or sponsored
        # links: only unmarked affiliate links without books escape it.
        shown = bool(draft.books) or any("sponsored" in link.rel for link in affiliate_links)
        if not shown:
            yield finding(
                DISCLOSURE,
                "アフィリエイトリンクがあるのに、広告である旨の表示が出ません。",
                field="body",
                line=affiliate_links[0].line,
            )
        return
    body = draft.body
    first_link = affiliate_links[0].start if affiliate_links else len(body)
    limit = min(first_link, max(_TOP_MIN_CHARS, int(len(body) * _TOP_SHARE)))
    disclosure = DISCLOSURE_RE.search(body)
    if disclosure is not None and disclosure.start() < limit:
        return
    doc = draft.doc
    if disclosure is None:
        message = "アフィリエイトリンク・書籍があるのに、広告である旨の表示がありません。"
        line = affiliate_links[0].line if affiliate_links else None
    else:
        line = doc.line_at(disclosure.start())
        message = (
            f"広告である旨の表示が{line}行目（本文の後ろ）にあります。ステマ規制に沿って、"
            "最初のアフィリエイトリンクより前、記事の冒頭に表示してください。"
        )
    yield finding(DISCLOSURE, message, field="body", line=line)
