"""The old Jekyll site's rules, without Django: URLs, categories, footer blocks and links.

Everything here was checked against the sample posts and the real build's URLs
(`samples/jekyll-site/EXPECTED_URLS.tsv`):

- A post's URL is `/:year/:month/:day/:title/`, the date being the front-matter date in the
  site's time zone (Asia/Tokyo) and `:title` the file name after `YYYY-MM-DD-`, run through
  Jekyll's "pretty" slugify (letters of any script, digits and a few punctuation marks kept,
  everything else a hyphen, leading/trailing hyphens dropped, case kept).
- Bodies end with hand-pasted blocks (related links, a consulting call to action, affiliate
  books, the disclosure line), sometimes several times over and sometimes mid-body. They become
  structured data; a block leaves the body only when every line of it was understood.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from urllib.parse import parse_qs, unquote, urlsplit
from zoneinfo import ZoneInfo

import yaml

from blog.logic.fences import closes_fence, opening_fence
from blog.logic.site_facts import SITE_CATEGORIES, CategoryInfo
from blog.logic.urls import split_article_path

# --- site configuration ----------------------------------------------------------------------

SUPPORTED_PERMALINK = "/:year/:month/:day/:title/"


@dataclass(frozen=True)
class SiteConfig:
    timezone: str = "Asia/Tokyo"
    permalink: str = SUPPORTED_PERMALINK
    author: str = ""
    url: str = ""


def parse_config(text: str) -> SiteConfig:
    """The settings of `_config.yml` the import needs. Raises ValueError (Japanese reason)."""
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise ValueError(f"_config.yml を解析できません（{exc}）。") from None
    if not isinstance(data, dict):
        raise ValueError("_config.yml が「キー: 値」の形になっていません。")
    author = data.get("author") or ""
    if isinstance(author, dict):  # `author: {name: ...}` is also common in Jekyll themes
        author = author.get("name") or ""
    return SiteConfig(
        timezone=str(data.get("timezone") or "Asia/Tokyo"),
        permalink=str(data.get("permalink") or SUPPORTED_PERMALINK),
        author=str(author).strip(),
        url=str(data.get("url") or "").rstrip("/"),
    )


# --- file names, slugs, URLs -----------------------------------------------------------------

POST_EXTENSIONS = (".md", ".markdown")
_POST_NAME_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})-(.+)\.(?:md|markdown)", re.IGNORECASE)
# Jekyll's "pretty" slugify keeps these besides letters, marks and decimal digits.
_PRETTY_KEEP = frozenset("._~!$&'()+,;=@")


@dataclass(frozen=True)
class PostName:
    date: dt.date  # the file-name date (not necessarily the URL date)
    stem: str  # what follows `YYYY-MM-DD-`, without the extension
    slug: str  # the URL's last segment as Jekyll built it


def parse_post_name(name: str) -> PostName | None:
    """The parts of `YYYY-MM-DD-title.md`, or None when Jekyll would not treat it as a post."""
    match = _POST_NAME_RE.fullmatch(unicodedata.normalize("NFC", name))
    if match is None:
        return None
    year, month, day, stem = match.groups()
    try:
        date = dt.date(int(year), int(month), int(day))
    except ValueError:
        return None
    return PostName(date=date, stem=stem, slug=jekyll_slugify(stem))


def jekyll_slugify(text: str) -> str:
    """Jekyll's `slugify(mode: "pretty", cased: true)`: the old site's `:title`."""
    out: list[str] = []
    replacing = False
    for char in text:
        category = unicodedata.category(char)
        if category[0] in "LM" or category == "Nd" or char in _PRETTY_KEEP:
            out.append(char)
            replacing = False
        elif not replacing:  # a run of anything else becomes one hyphen
            out.append("-")
            replacing = True
    return "".join(out).strip("-")


def url_date(published: dt.datetime, tz_name: str) -> dt.date:
    return published.astimezone(ZoneInfo(tz_name)).date()


def parse_article_path(path: str) -> tuple[dt.date, str] | None:
    """(date, slug) of a `/YYYY/MM/DD/slug/` path (percent-encoding undone), else None."""
    parts = split_article_path(unquote(path))
    if parts is None or "?" in parts[3] or "#" in parts[3]:
        return None
    year, month, day, slug = parts
    try:
        return dt.date(int(year), int(month), int(day)), unicodedata.normalize("NFC", slug)
    except ValueError:
        return None


def site_path(url: str, site_hosts: Iterable[str]) -> str | None:
    """The path of a link to this site (relative, or absolute on one of its hosts), else None."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme and parts.scheme not in {"http", "https"}:
        return None
    if parts.netloc:
        host = (parts.hostname or "").lower()
        if host not in {h.lower() for h in site_hosts}:
            return None
    elif not parts.path.startswith("/"):
        return None
    return parts.path


def site_hosts(site_url: str) -> set[str]:
    host = (urlsplit(site_url).hostname or "").lower()
    if not host:
        return set()
    bare = host.removeprefix("www.")
    return {bare, "www." + bare}


# --- categories ------------------------------------------------------------------------------


def _category_key(name: str) -> str:
    return unicodedata.normalize("NFKC", name).strip().casefold()


_CATEGORY_BY_KEY: dict[str, CategoryInfo] = {}
for _info in SITE_CATEGORIES:
    for _alias in (_info.name, _info.slug, *_info.old_names):
        _CATEGORY_BY_KEY[_category_key(_alias)] = _info


def category_for(name: str) -> CategoryInfo | None:
    """The site category a front-matter category name (current, pre-rename or slug) means."""
    return _CATEGORY_BY_KEY.get(_category_key(name))


def as_name_list(value: object) -> list[str]:
    """`categories`/`tags` as Jekyll reads them: a list, or a string split on whitespace."""
    if value is None:
        return []
    if isinstance(value, str):
        return value.split()
    if isinstance(value, list | tuple):
        return [str(item).strip() for item in value if item is not None and str(item).strip()]
    return [str(value)]


# --- Amazon links ----------------------------------------------------------------------------

_AMAZON_HOST_RE = re.compile(r"(?:^|\.)(?:amazon\.(?:co\.jp|com|jp)|amzn\.to|amzn\.asia)$")
_ASIN_IN_PATH_RE = re.compile(
    r"/(?:dp|gp/product|gp/aw/d|exec/obidos/ASIN|o/ASIN)/([A-Za-z0-9]{10})(?:[/?]|$)"
)


def is_amazon_url(url: str) -> bool:
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return False
    return bool(_AMAZON_HOST_RE.search(host))


def asin_from_url(url: str) -> str | None:
    """The ASIN of an Amazon product link (`/dp/<ASIN>/` and older forms), else None."""
    if not is_amazon_url(url):
        return None
    match = _ASIN_IN_PATH_RE.search(urlsplit(url).path + "/")
    return match.group(1).upper() if match else None


def amazon_search_keywords(url: str) -> str:
    """The search words of an Amazon search link (`/s?k=...`), for the report."""
    values = parse_qs(urlsplit(url).query).get("k") or parse_qs(urlsplit(url).query).get(
        "field-keywords"
    )
    return values[0].replace("+", " ") if values else ""


# --- footer blocks ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RelatedLink:
    title: str
    url: str
    line: int  # 1-based within the body


@dataclass(frozen=True)
class CallToActionBlock:
    heading: str
    text: str
    link_label: str
    url: str
    line: int

    @property
    def campaign(self) -> str:
        values = parse_qs(urlsplit(self.url).query).get("utm_campaign")
        return values[0] if values else ""


@dataclass(frozen=True)
class BookItem:
    title: str
    url: str
    asin: str | None  # None for search links (`/s?k=...`) and short links
    description: str
    line: int


@dataclass(frozen=True)
class BlockProblem:
    line: int
    code: str
    message: str


@dataclass
class Extracted:
    body: str
    # 1-based line in the original body of each line of `body` (to report file lines).
    line_map: list[int] = field(default_factory=list)
    related: list[RelatedLink] = field(default_factory=list)
    ctas: list[CallToActionBlock] = field(default_factory=list)
    books: list[BookItem] = field(default_factory=list)
    disclosures_removed: int = 0
    blocks_removed: int = 0
    problems: list[BlockProblem] = field(default_factory=list)


RELATED_HEADINGS = frozenset({"関連記事", "あわせて読みたい", "合わせて読みたい"})
# 「この記事に関連するおすすめ書籍」「おすすめ書籍」; a long heading is prose that mentions it.
_BOOKS_HEADING_RE = re.compile(r".{0,20}おすすめ(?:の)?書籍.{0,10}")
# What a footer block looks like when Markdown was collapsed onto one line of prose.
_COLLAPSED_MARKERS = (
    "## 関連記事",
    "### あわせて読みたい",
    "おすすめ書籍",
    "{: .consulting-cta-link}",
    "アソシエイトリンク",
    "アフィリエイトリンクが含まれ",
)
_HEADING_RE = re.compile(r" {0,3}(#{1,6})[ \t]*(.*?)[ \t]*#*[ \t]*")
_HR_RE = re.compile(r" {0,3}(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})")
_LIST_ITEM_RE = re.compile(r"[ \t]{0,3}[-*+][ \t]+.*")
_RELATED_ITEM_RE = re.compile(r"[ \t]{0,3}[-*+][ \t]+\[(?P<title>.+)\]\((?P<url>[^)\s]+)\)[ \t]*")
_LINK_LINE_RE = re.compile(r"\[(?P<label>[^\]]+)\]\((?P<url>[^)\s]+)\)[ \t]*")
_CTA_IAL_RE = re.compile(r"[ \t]*\{:[ \t]*\.consulting-cta-link[ \t]*\}[ \t]*")
_BOOK_BOLD_RE = re.compile(r"\*\*\[(?P<title>[^\]]+)\]\((?P<url>[^)\s]+)\)\*\*[ \t]*(?P<rest>.*)")
_BOOK_HEADING_RE = re.compile(r" {0,3}#{3,4}[ \t]+\[(?P<title>[^\]]+)\]\((?P<url>[^)\s]+)\)[ \t]*")
_BOOK_MORE_RE = re.compile(r"\[(?P<label>[^\]]*)\]\((?P<url>[^)\s]+)\)[ \t]*")
_DISCLOSURE_RE = re.compile(
    r"[ \t]*[*_]{0,2}[ \t]*※[ \t]*(?=[^\n]*リンク)(?=[^\n]*(?:アソシエイト|アフィリエイト))"
    r"[^\n]{0,120}?[*_]{0,2}[ \t]*"
)
_CONFLICT_RE = re.compile(r"(?:<{7}|>{7})(?: .*)?|={7}")
_END_MARKER_RE = re.compile(r"[ \t]*-{3}END-{3}[ \t]*")


def _is_blank(line: str) -> bool:
    return not line.strip()


def _heading(line: str) -> tuple[int, str] | None:
    match = _HEADING_RE.fullmatch(line)
    if match is None:
        return None
    return len(match.group(1)), match.group(2)


def _join_lines(parts: list[str]) -> str:
    """Join wrapped lines: no space between Japanese characters, one between Latin words."""
    text = ""
    for part in (p.strip() for p in parts):
        if text and part and (text[-1].isascii() and part[0].isascii()):
            text += " "
        text += part
    return text


def extract_blocks(body: str) -> Extracted:
    """Take the recognised footer blocks out of `body` and return them as data.

    A block is removed only when all of its lines fit its known shape; otherwise it stays in
    the body and a problem says where and why. Every copy of a block is taken out.
    """
    lines = body.split("\n")
    n = len(lines)
    removed = [False] * n
    block_starts: set[int] = set()
    result = Extracted(body=body, line_map=list(range(1, n + 1)))

    def take(start: int, end: int) -> None:  # lines [start, end] inclusive
        for k in range(start, end + 1):
            removed[k] = True
        block_starts.add(start)
        result.blocks_removed += 1

    # 1. Calls to action, found from their kramdown class line and read backwards.
    for j, line in enumerate(lines):
        if not _CTA_IAL_RE.fullmatch(line):
            continue
        cta = _read_cta(lines, j)
        if isinstance(cta, BlockProblem):
            result.problems.append(cta)
            continue
        start, block = cta
        if any(removed[start : j + 1]):
            continue
        result.ctas.append(block)
        take(start, j)

    # 2. Related-link lists and book blocks, found from their headings and read forwards.
    i = 0
    while i < n:
        if removed[i]:
            i += 1
            continue
        heading = _heading(lines[i])
        if heading is not None and heading[0] >= 2:
            text = heading[1]
            outcome: tuple[int, list] | BlockProblem | None = None
            if text in RELATED_HEADINGS:
                outcome = _read_related(lines, i, removed)
            elif _BOOKS_HEADING_RE.fullmatch(text):
                outcome = _read_books(lines, i, removed)
            if isinstance(outcome, BlockProblem):
                result.problems.append(outcome)
            elif outcome is not None:
                end, items = outcome
                if text in RELATED_HEADINGS:
                    result.related.extend(items)
                else:
                    result.books.extend(items)
                take(i, end)
                i = end + 1
                continue
        i += 1

    # 3. The affiliate disclosure: the site renders its own, before the first link.
    for k, line in enumerate(lines):
        if not removed[k] and _DISCLOSURE_RE.fullmatch(line):
            removed[k] = True
            block_starts.add(k)
            result.disclosures_removed += 1

    # Blocks inside a line of collapsed prose cannot be cut out safely: say where they are.
    for k, line in enumerate(lines):
        if removed[k] or _heading(line) == (2, "関連記事"):
            continue
        found = [marker for marker in _COLLAPSED_MARKERS if marker in line]
        if found and len(line) > 120:
            result.problems.append(
                BlockProblem(
                    k + 1,
                    "block_in_collapsed_line",
                    f"1行にまとめられた本文の中に「{found[0]}」のブロックがあるため、"
                    "本文に残しました（改行を戻してから再度取り込むと構造化されます）。",
                )
            )

    if not any(removed):
        return result

    # 4. Horizontal rules that only introduced a removed block go with it.
    for k, line in enumerate(lines):
        if removed[k] or not _HR_RE.fullmatch(line) or _END_MARKER_RE.fullmatch(line):
            continue
        following = next((m for m in range(k + 1, n) if not _is_blank(lines[m])), None)
        if following is not None and following in block_starts:
            removed[k] = True

    result.body, result.line_map = _join_kept(lines, removed)
    return result


def _join_kept(lines: list[str], removed: list[bool]) -> tuple[str, list[int]]:
    out: list[str] = []
    origin: list[int] = []
    after_removal = False
    for number, (line, gone) in enumerate(zip(lines, removed, strict=True), start=1):
        if gone:
            after_removal = True
            continue
        if after_removal and _is_blank(line) and (not out or _is_blank(out[-1])):
            continue  # no pile of blank lines where a block used to be
        if not _is_blank(line):
            if after_removal and out and not _is_blank(out[-1]):
                out.append("")  # keep the paragraphs on either side of the block apart
                origin.append(number)
            after_removal = False
        out.append(line)
        origin.append(number)
    # A rule left dangling at the very end separated a block that is gone.
    while out and (_is_blank(out[-1]) or _HR_RE.fullmatch(out[-1])):
        out.pop()
        origin.pop()
    while out and _is_blank(out[0]):
        out.pop(0)
        origin.pop(0)
    return ("\n".join(out) + "\n" if out else ""), origin


def _short(text: str, limit: int = 40) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _read_related(
    lines: list[str], start: int, removed: list[bool]
) -> tuple[int, list[RelatedLink]] | BlockProblem:
    heading = _short(lines[start])
    items: list[RelatedLink] = []
    end = start
    k = start + 1
    while k < len(lines) and not removed[k]:
        line = lines[k]
        if _is_blank(line):
            k += 1
            continue
        if not _LIST_ITEM_RE.fullmatch(line):
            break
        match = _RELATED_ITEM_RE.fullmatch(line)
        if match is None:
            return BlockProblem(
                k + 1,
                "related_block_unrecognised",
                f"「{heading}」の一覧に「- [タイトル](URL)」の形でない行があるため、"
                "このブロックは本文に残しました。",
            )
        items.append(RelatedLink(match.group("title").strip(), match.group("url"), k + 1))
        end = k
        k += 1
    if not items:
        return BlockProblem(
            start + 1,
            "related_block_unrecognised",
            f"見出し「{heading}」の後にリンクの一覧がないため、本文に残しました。",
        )
    return end, items


def _read_books(
    lines: list[str], start: int, removed: list[bool]
) -> tuple[int, list[BookItem]] | BlockProblem:
    heading = _short(lines[start])
    items: list[BookItem] = []
    end = start
    k = start + 1
    n = len(lines)

    def problem(line: int, reason: str) -> BlockProblem:
        return BlockProblem(
            line,
            "books_block_unrecognised",
            f"「{heading}」: {reason}このブロックは本文に残しました。",
        )

    while k < n and not removed[k]:
        line = lines[k]
        if _is_blank(line):
            k += 1
            continue
        bold = _BOOK_BOLD_RE.fullmatch(line)
        titled = None if bold else _BOOK_HEADING_RE.fullmatch(line)
        if bold:
            # `**[書名](URL)** 紹介文` with the description on the line or indented below it.
            parts = [bold.group("rest")] if bold.group("rest").strip() else []
            m = k + 1
            while m < n and not removed[m] and lines[m][:1] in {" ", "\t"} and lines[m].strip():
                parts.append(lines[m])
                m += 1
            url = bold.group("url")
            if not is_amazon_url(url):
                return problem(k + 1, "Amazon 以外へのリンクがあるため、")
            items.append(
                BookItem(
                    bold.group("title").strip(), url, asin_from_url(url), _join_lines(parts), k + 1
                )
            )
            end = m - 1
            k = m
        elif titled:
            # `### [書名](URL)`, a description paragraph, then `[Amazonで詳しく見る →](URL)`.
            url = titled.group("url")
            if not is_amazon_url(url):
                return problem(k + 1, "Amazon 以外へのリンクがあるため、")
            m = k + 1
            parts: list[str] = []
            while m < n and _is_blank(lines[m]):
                m += 1
            while m < n and not _is_blank(lines[m]) and not _BOOK_MORE_RE.fullmatch(lines[m]):
                if _heading(lines[m]) is not None:
                    break
                parts.append(lines[m])
                m += 1
            while m < n and _is_blank(lines[m]):
                m += 1
            more = _BOOK_MORE_RE.fullmatch(lines[m]) if m < n and not removed[m] else None
            if more is None or not is_amazon_url(more.group("url")):
                return problem(k + 1, "書籍の後に「Amazonで詳しく見る」のリンクがないため、")
            items.append(
                BookItem(
                    titled.group("title").strip(),
                    url,
                    asin_from_url(url),
                    _join_lines(parts),
                    k + 1,
                )
            )
            end = m
            k = m + 1
        else:
            break
    if not items:
        return problem(start + 1, "書籍の一覧が見つからないため、")
    return end, items


def _read_cta(lines: list[str], ial: int) -> tuple[int, CallToActionBlock] | BlockProblem:
    """A rule, a heading, one paragraph, a link line, then `{: .consulting-cta-link}`.

    Read backwards from the class line, which only the footer CTA ever carried.
    """

    def problem(reason: str) -> BlockProblem:
        return BlockProblem(
            ial + 1,
            "cta_block_unrecognised",
            f"{{: .consulting-cta-link}} の前の{reason}ため、CTA ブロックは本文に残しました。",
        )

    k = ial - 1
    while k >= 0 and _is_blank(lines[k]):
        k -= 1
    link = _LINK_LINE_RE.fullmatch(lines[k].strip()) if k >= 0 else None
    if link is None:
        return problem("行がリンク（[文言](URL)）ではない")
    k -= 1
    while k >= 0 and _is_blank(lines[k]):
        k -= 1
    paragraph: list[str] = []
    while k >= 0 and not _is_blank(lines[k]) and _heading(lines[k]) is None:
        paragraph.insert(0, lines[k])
        k -= 1
    while k >= 0 and _is_blank(lines[k]):
        k -= 1
    heading = _heading(lines[k]) if k >= 0 else None
    if not paragraph or heading is None or heading[0] < 2:
        return problem("見出しと説明文が見つからない")
    if any(_HR_RE.fullmatch(p) or _LIST_ITEM_RE.fullmatch(p) for p in paragraph):
        return problem("説明文に区切り線や箇条書きが混ざっている")
    # The footer CTA always followed a rule; a heading without one is the article's own section.
    above = k - 1
    while above >= 0 and _is_blank(lines[above]):
        above -= 1
    if above >= 0 and not _HR_RE.fullmatch(lines[above]):
        return problem("見出しの上に区切り線（---）がない")
    block = CallToActionBlock(
        heading=heading[1],
        text=_join_lines(paragraph),
        link_label=link.group("label").strip(),
        url=link.group("url"),
        line=k + 1,
    )
    return k, block


def content_markers(body: str) -> list[BlockProblem]:
    """Leftovers an editor must look at: git conflict markers and `---END---` lines.

    One problem per kind, at its first line, with the count: a body pasted eight times over
    is one thing to fix, not eight.
    """
    found: dict[str, list[int]] = {}
    for k, line in enumerate(body.split("\n"), start=1):
        if _CONFLICT_RE.fullmatch(line.rstrip()):
            found.setdefault("conflict_marker", []).append(k)
        elif _END_MARKER_RE.fullmatch(line):
            found.setdefault("end_marker", []).append(k)
    messages = {
        "conflict_marker": "git の競合マーカー（<<<<<<< ======= >>>>>>>）が本文に"
        "{n}行残っています。",
        "end_marker": "「---END---」が本文に{n}か所残っています（本文を重ねて貼った跡です）。",
    }
    return [
        BlockProblem(lines[0], code, messages[code].format(n=len(lines)))
        for code, lines in found.items()
    ]


# --- links between posts ---------------------------------------------------------------------


@dataclass(frozen=True)
class Resolution:
    key: Hashable
    exact: bool  # the link already used the post's real URL
    ambiguous: bool = False


def _slug_key(slug: str) -> str:
    return unicodedata.normalize("NFC", unquote(slug)).strip("-").casefold()


_TITLE_NOISE_RE = re.compile(r"[\W_]+")


def _title_key(title: str) -> str:
    return _TITLE_NOISE_RE.sub("", unicodedata.normalize("NFKC", title).casefold())


def titles_match(link_title: str, post_title: str) -> bool:
    """Whether a link's text names the post: old link texts are shortened or cut mid-character
    (「…AI活�」), so containment counts, and otherwise most of the text must agree."""
    a, b = _title_key(link_title.replace("\ufffd", "")), _title_key(post_title)
    if not a or not b:
        return False
    if len(a) >= 8 and (a in b or b in a):
        return True
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio() >= 0.6


class LinkIndex:
    """Which post an old link means: by real URL, by an old URL form, or by slug alone.

    Old links used the file-name date, the raw file-name title (trailing hyphen included) or
    simply a wrong date. A link is resolved by its exact URL first, then by the URL forms the
    old site's authors used. A link whose date matches no form is matched by its slug only when
    the link's text names the post (or, without a text, the dates are a day apart at most):
    generated slugs are cut at 30 characters, so different posts share them.
    """

    def __init__(self) -> None:
        self._exact: dict[tuple[dt.date, str], Hashable] = {}
        self._alternate: dict[tuple[dt.date, str], Hashable] = {}
        self._by_slug: dict[str, list[tuple[dt.date, Hashable, str]]] = defaultdict(list)
        self._by_stem: dict[str, Hashable] = {}

    def add(
        self,
        key: Hashable,
        day: dt.date,
        slug: str,
        *,
        title: str = "",
        alternates: Iterable[tuple[dt.date, str]] = (),
        file_stem: str | None = None,
    ) -> None:
        self._exact[(day, slug)] = key
        for form in alternates:
            self._alternate.setdefault(form, key)
        self._by_slug[_slug_key(slug)].append((day, key, title))
        if file_stem:
            self._by_stem[unicodedata.normalize("NFC", file_stem)] = key

    def is_real_url(self, day: dt.date, slug: str) -> bool:
        return (day, slug) in self._exact

    def resolve(self, day: dt.date, slug: str, title: str = "") -> Resolution | None:
        slug = unicodedata.normalize("NFC", unquote(slug))
        if (day, slug) in self._exact:
            return Resolution(self._exact[(day, slug)], exact=True)
        if (day, slug) in self._alternate:
            return Resolution(self._alternate[(day, slug)], exact=False)
        candidates = [
            (post_day, key)
            for post_day, key, post_title in self._by_slug.get(_slug_key(slug), [])
            if (titles_match(title, post_title) if title else abs((post_day - day).days) <= 1)
        ]
        if not candidates:
            return None
        nearest = min(candidates, key=lambda c: (abs((c[0] - day).days), c[0]))
        return Resolution(nearest[1], exact=False, ambiguous=len(candidates) > 1)

    def resolve_path(self, path: str, title: str = "") -> Resolution | None:
        parsed = parse_article_path(path)
        return self.resolve(*parsed, title=title) if parsed else None

    def resolve_file_stem(self, stem: str, title: str = "") -> Resolution | None:
        """A `related_articles` slug: the file name without extension (date included)."""
        stem = unicodedata.normalize("NFC", stem.strip().strip("/"))
        for suffix in POST_EXTENSIONS:
            stem = stem.removesuffix(suffix)
        if stem in self._by_stem:
            return Resolution(self._by_stem[stem], exact=True)
        name = parse_post_name(stem + ".md")
        if name is None:
            return self.resolve_path(stem, title) if stem.startswith("/") else None
        return self.resolve(name.date, name.slug, title) or self.resolve(
            name.date, name.stem, title
        )


@dataclass(frozen=True)
class LinkRewrite:
    line: int
    old: str
    new: str


@dataclass(frozen=True)
class UnresolvedLink:
    line: int
    url: str


# `[text](url)` and `[text](url "title")`, reference definitions `[id]: url`, and raw `href`.
_INLINE_LINK_RE = re.compile(
    r"\[(?P<text>[^\]\n]*)\]\(<?(?P<url>[^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)"
)
_REFERENCE_RE = re.compile(r"^ {0,3}\[(?P<text>[^\]]+)\]:[ \t]*<?(?P<url>[^\s>]+)")
_HREF_RE = re.compile(r"href=[\"'](?P<url>[^\"']+)[\"']")


def rewrite_post_links(
    body: str,
    resolve: Callable[[str, str], str | None | bool],
    hosts: Iterable[str],
) -> tuple[str, list[LinkRewrite], list[UnresolvedLink]]:
    """Point links to old URL forms of posts at the posts' real URLs.

    `resolve(path, link_text)` returns the real path when the link should change, True when it
    is already right, and None when no post matches. Links inside fenced code are left alone.
    """
    hosts = set(hosts)
    rewrites: list[LinkRewrite] = []
    unresolved: list[UnresolvedLink] = []
    out: list[str] = []
    fence: str | None = None

    for number, line in enumerate(body.split("\n"), start=1):
        if fence is None and (marker := opening_fence(line)):
            fence = marker
            out.append(line)
            continue
        if fence is not None and closes_fence(line, fence):
            fence = None
            out.append(line)
            continue
        if fence is not None or "/" not in line:
            out.append(line)
            continue

        def replace(match: re.Match[str], number: int = number) -> str:
            url = match.group("url")
            path = site_path(url, hosts)
            if path is None or parse_article_path(path) is None:
                return match.group(0)
            text = match.groupdict().get("text") or ""
            answer = resolve(path, "" if text.startswith("!") else text)
            if answer is None:
                unresolved.append(UnresolvedLink(number, url))
                return match.group(0)
            if answer is True or answer == path:
                return match.group(0)
            parts = urlsplit(url)
            new_url = str(answer) + (f"?{parts.query}" if parts.query else "")
            new_url += f"#{parts.fragment}" if parts.fragment else ""
            if parts.netloc:
                new_url = f"{parts.scheme}://{parts.netloc}{new_url}"
            rewrites.append(LinkRewrite(number, url, new_url))
            whole, offset = match.group(0), match.start()
            return (
                whole[: match.start("url") - offset] + new_url + whole[match.end("url") - offset :]
            )

        for pattern in (_INLINE_LINK_RE, _REFERENCE_RE, _HREF_RE):
            line = pattern.sub(replace, line)
        out.append(line)
    return "\n".join(out), rewrites, unresolved
