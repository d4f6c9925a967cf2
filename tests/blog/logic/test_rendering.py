"""Rendering of article bodies: Markdown features, Jekyll leftovers and sanitising (no Django)."""

import re
from html.parser import HTMLParser

import pytest

from blog.logic.rendering import Rendered, TocEntry, render_markdown


class _Element:
    def __init__(self, tag: str, attrs: dict[str, str | None]) -> None:
        self.tag = tag
        self.attrs = attrs


class _Collector(HTMLParser):
    """Every start tag with its (entity-decoded) attributes, as a browser's tokenizer sees it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[_Element] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append(_Element(tag, dict(attrs)))


def elements(html: str, tag: str | None = None) -> list[_Element]:
    collector = _Collector()
    collector.feed(html)
    collector.close()
    return [e for e in collector.elements if tag is None or e.tag == tag]


def classes(element: _Element) -> list[str]:
    return (element.attrs.get("class") or "").split()


# --- inertness ---------------------------------------------------------------------------

SAFE_TAGS = {
    "p", "br", "hr", "blockquote", "div", "span", "ul", "ol", "li", "dl", "dt", "dd",
    "a", "img", "figure", "figcaption", "table", "caption", "thead", "tbody", "tfoot", "tr",
    "th", "td", "pre", "code", "kbd", "samp", "em", "strong", "b", "i", "del", "s", "ins",
    "mark", "small", "sup", "sub", "abbr", "h1", "h2", "h3", "h4", "h5", "h6",
}  # fmt: skip
DANGEROUS_TAGS = (
    "script", "style", "iframe", "frame", "object", "embed", "form", "input", "button", "svg",
    "math", "meta", "base", "link", "template", "details", "textarea", "select", "video",
    "audio", "source", "noscript",
)  # fmt: skip
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "background", "poster", "cite"}
FORBIDDEN_ATTRIBUTES = {"style", "srcdoc", "srcset", "formaction", "action", "xlink:href"}
BAD_SCHEME_RE = re.compile(r"(?:javascript|data|vbscript):")


def inertness_problems(html: str) -> list[str]:
    """Why `html` could run script or restyle the page; empty when it is inert."""
    problems = []
    lowered = html.lower()
    # Text is escaped, so a literal "<script" can only be a real tag.
    problems += [f"raw <{tag}" for tag in DANGEROUS_TAGS if f"<{tag}" in lowered]
    for element in elements(html):
        if element.tag not in SAFE_TAGS:
            problems.append(f"tag <{element.tag}>")
        for name, value in element.attrs.items():
            if name.startswith("on") or name in FORBIDDEN_ATTRIBUTES:
                problems.append(f"attribute {name} on <{element.tag}>")
            if name in URL_ATTRIBUTES and value is not None:
                # What a WHATWG URL parser does first: trim C0 controls and spaces at both
                # ends, then delete every tab and newline anywhere.
                trimmed = re.sub(r"^[\x00-\x20]+|[\x00-\x20]+$", "", value)
                squashed = re.sub(r"[\t\n\r]", "", trimmed).lower()
                if BAD_SCHEME_RE.match(squashed):
                    problems.append(f"{name}={value!r} on <{element.tag}>")
    return problems


def test_inertness_check_flags_dangerous_html():
    assert inertness_problems('<p onclick="x">a</p>')
    assert inertness_problems('<a href=" JaVa&#115;cript:alert(1)">a</a>')
    assert inertness_problems('<a href="\x01java&#9;script:alert(1)">a</a>')
    assert inertness_problems('<img src="data:text/html,x">')
    assert inertness_problems("<svg></svg>")
    assert inertness_problems('<p style="color:red">a</p>')
    assert not inertness_problems('<p class="x"><a href="/a">a &lt;script&gt;</a></p>')


XSS_VECTORS = {
    "script tag": "<script>alert(1)</script>",
    "script tag upper case with src": "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "script unclosed": "text\n\n<script>alert(1)",
    "img onerror": "<img src=x onerror=alert(1)>",
    "img onerror mixed case": '<img src="x" OnErRoR="alert(1)">',
    "img onerror unclosed tag": "<img src=x onerror=alert(1)//",
    "a onclick": '<a href="https://example.com" onclick="alert(1)">x</a>',
    "div onmouseover": '<div onmouseover="alert(1)">hover</div>',
    "body onload": "<body onload=alert(1)>",
    "svg onload": "<svg onload=alert(1)>",
    "script inside svg": "<svg><script>alert(1)</script></svg>",
    "svg xlink href": '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    "math mglyph mutation": "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "noscript mutation": '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "split script tag": "<scr<script>ipt>alert(1)</script>",
    "doubled angle brackets": "<<script>script>alert(1)<</script>/script>",
    "template script": "<template><script>alert(1)</script></template>",
    "comment breakout": "<!-- --!><script>alert(1)</script> -->",
    "markdown link javascript": "[x](javascript:alert(1))",
    "markdown link mixed case": "[x](JaVaScRiPt:alert(1))",
    "markdown link decimal entity": "[x](&#106;avascript:alert(1))",
    "markdown link hex entities": "[x](&#x6A;avascript&#x3A;alert(1))",
    "markdown link tab entity": "[x](java&#09;script:alert(1))",
    "markdown link angle brackets": "[x](<javascript:alert(1)>)",
    "markdown link vbscript": "[x](vbscript:msgbox(1))",
    "markdown title attribute breakout": '[x](https://example.com "a\\" onclick=\\"alert(1)")',
    "markdown image javascript": "![x](javascript:alert(1))",
    "markdown image data uri": "![x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "reference link javascript": "[x][evil]\n\n[evil]: javascript:alert(1)",
    "reference image data uri": "![x][evil]\n\n[evil]: data:image/svg+xml;base64,PHN2Zz4=",
    "autolink javascript": "<javascript:alert(1)>",
    "a href data uri": '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    "a href leading space": '<a href=" \tjavascript:alert(1)">x</a>',
    "a href leading newlines in html block": '<div>\n<a href="\n\t javascript:alert(1)">x</a>\n</div>',
    "a href literal tab": '<a href="java\tscript:alert(1)">x</a>',
    "a href tab and newline entities": '<a href="jav&#9;a&#10;script:alert(1)">x</a>',
    "a href colon entity": '<a href="javascript&colon;alert(1)">x</a>',
    "a href padded decimal entities": '<a href="&#0000106&#0000097&#0000118&#0000097&#0000115'
    '&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058alert(1)">x</a>',
    "iframe": '<iframe src="https://evil.example"></iframe>',
    "iframe srcdoc": '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    "object data": '<object data="javascript:alert(1)"></object>',
    "embed src": '<embed src="javascript:alert(1)">',
    "form action": "<form action=javascript:alert(1)><input type=submit></form>",
    "button formaction": '<button formaction="javascript:alert(1)">x</button>',
    "input autofocus onfocus": "<input autofocus onfocus=alert(1)>",
    "meta refresh": '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "base href": '<base href="https://evil.example/">',
    "link stylesheet": '<link rel="stylesheet" href="https://evil.example/x.css">',
    "style tag": "<style>body{background:url(javascript:alert(1))}</style>",
    "style attribute expression": '<p style="width: expression(alert(1))">x</p>',
    "td background": '<table><tr><td background="javascript:alert(1)">x</td></tr></table>',
    "img srcset": '<img src="/a.png" srcset="javascript:alert(1) 1x">',
    "details ontoggle": "<details open ontoggle=alert(1)><summary>x</summary></details>",
    "video source onerror": "<video><source onerror=alert(1)></video>",
    "attr_list onclick": 'paragraph\n{: onclick="alert(1)"}',
    "attr_list style": 'paragraph\n{: style="position:fixed;top:0;width:100%"}',
    "detached attr_list onmouseover": 'paragraph\n\n{: onmouseover="alert(1)" .ok}',
    "inline attr_list on image": '![x](/a.png){: onerror="alert(1)"}',
    "attr_list href on link": '[x](/ok){: href="javascript:alert(1)"}',
    "heading with img onerror": "## Heading <img src=x onerror=alert(1)>",
    "liquid output with script": "{{ '<script>alert(1)</script>' }}",
}


@pytest.mark.parametrize("source", XSS_VECTORS.values(), ids=XSS_VECTORS.keys())
def test_xss_vector_renders_inert(source):
    html = render_markdown(source).html
    assert inertness_problems(html) == [], html


# --- table of contents and heading ids ---------------------------------------------------


def test_japanese_heading_gets_a_readable_unicode_id_in_html_and_toc():
    rendered = render_markdown("## 生成AIの現状\n\n本文")
    heading_id = elements(rendered.html, "h2")[0].attrs["id"]
    assert "生成" in heading_id and "現状" in heading_id
    assert rendered.toc == [TocEntry(level=2, id=heading_id, title="生成AIの現状")]


def test_body_ids_never_take_an_id_the_page_uses():
    rendered = render_markdown("## main\n\n本文。\n\n## 目次 {: #toc-title}\n\n段落。\n")
    ids = re.findall(r'id="([^"]+)"', rendered.html)
    assert ids == ["main-body", "toc-title-body"]
    assert [entry.id for entry in rendered.toc] == ids


def test_page_ids_list_every_id_the_templates_use():
    from pathlib import Path

    from blog.logic.rendering import PAGE_IDS

    templates = Path(__file__).resolve().parents[3] / "templates"
    used = {
        match
        for path in templates.rglob("*.html")
        if "admin" not in path.relative_to(templates).parts
        and "editorial" not in path.relative_to(templates).parts
        for match in re.findall(r'\bid="([^"{]+)"', path.read_text(encoding="utf-8"))
    }
    assert used and used <= PAGE_IDS, sorted(used - PAGE_IDS)


def test_duplicate_headings_get_unique_ids():
    rendered = render_markdown("## 概要\n\n## 概要\n\n### 概要")
    ids = [e.attrs["id"] for e in elements(rendered.html) if e.tag in {"h2", "h3"}]
    assert len(ids) == len(set(ids)) == 3
    assert [entry.id for entry in rendered.toc] == ids


def test_toc_lists_h2_and_h3_in_order_with_plain_text_titles():
    source = "# 題\n\n## 第一 **強調**\n\n### `code` と &amp;\n\n#### 深い\n\n## 第二"
    toc = render_markdown(source).toc
    assert [(entry.level, entry.title) for entry in toc] == [
        (2, "第一 強調"),
        (3, "code と &"),
        (2, "第二"),
    ]


def test_explicit_heading_id_is_used_in_toc():
    rendered = render_markdown("## 見出し {#custom-anchor}")
    assert rendered.toc == [TocEntry(2, "custom-anchor", "見出し")]
    assert 'id="custom-anchor"' in rendered.html


def test_toc_marker_is_not_expanded_because_the_template_renders_the_toc():
    html = render_markdown("[TOC]\n\n## 見出し").html
    assert 'class="toc"' not in html


# --- kramdown attribute lists ------------------------------------------------------------


@pytest.mark.parametrize("separator", ["\n", "\n\n"], ids=["directly-after", "after-blank-line"])
def test_block_attribute_line_applies_class_to_preceding_block_and_is_not_printed(separator):
    source = f"[相談する](https://example.com/contact){separator}{{: .consulting-cta-link}}"
    html = render_markdown(source).html
    (paragraph,) = elements(html, "p")
    assert classes(paragraph) == ["consulting-cta-link"]
    assert "{:" not in html and "}" not in html


def test_block_attribute_line_after_heading_applies_to_heading():
    html = render_markdown("## 見出し\n{: .lead}").html
    assert classes(elements(html, "h2")[0]) == ["lead"]
    assert "{:" not in html


@pytest.mark.parametrize(
    "source",
    ["{: .orphan}\n\n本文", "```\ncode\n```\n\n{: .orphan}", "<div>raw</div>\n\n{: .orphan}"],
    ids=["start-of-document", "after-fenced-code", "after-raw-html"],
)
def test_block_attribute_line_that_cannot_attach_is_dropped_silently(source):
    html = render_markdown(source).html
    assert "{:" not in html and "orphan" not in html


def test_block_attribute_line_keeps_only_safe_class_names():
    html = render_markdown('本文\n{: .good-one .bad$name .x"y #ok}').html
    assert classes(elements(html, "p")[0]) == ["good-one"]


# --- Liquid ------------------------------------------------------------------------------


def test_liquid_tags_and_output_are_removed_from_prose():
    source = "前 {{ site.url }} 後\n\n{% include related.html %}\n\n{%- raw -%}本文{%- endraw -%}"
    rendered = render_markdown(source)
    assert "{%" not in rendered.html and "{{" not in rendered.html
    assert "include" not in rendered.html and "site.url" not in rendered.html
    assert rendered.text == "前 後 本文"


def test_liquid_in_link_url_is_removed():
    html = render_markdown("[x]({{ site.baseurl }}/about/)").html
    assert elements(html, "a")[0].attrs["href"] == "/about/"


def test_line_holding_only_liquid_does_not_split_the_paragraph():
    html = render_markdown("一行目\n{% include ad.html %}\n二行目").html
    assert len(elements(html, "p")) == 1


@pytest.mark.parametrize("fence", ["```", "~~~"])
def test_liquid_inside_fenced_code_is_kept_literally(fence):
    source = f"{fence}liquid\n{{% include x.html %}}\n{{{{ site.url }}}}\n{fence}"
    text = render_markdown(source).text
    assert "{% include x.html %}" in text and "{{ site.url }}" in text


def test_liquid_inside_inline_code_is_kept_literally_but_removed_next_to_it():
    rendered = render_markdown("`{{ site.url }}` と {{ site.url }} と ``{% raw %}``")
    assert rendered.text == "{{ site.url }} と と {% raw %}"


# --- Markdown features -------------------------------------------------------------------


def test_fenced_code_gets_pygments_highlight_classes():
    html = render_markdown("```python\ndef f():\n    return 1\n```").html
    assert classes(elements(html, "div")[0]) == ["highlight"]
    token_classes = {c for span in elements(html, "span") for c in classes(span)}
    assert {"k", "nf"} <= token_classes
    assert "style=" not in html


def test_code_without_language_is_not_guessed():
    html = render_markdown("```\ndef f():\n    return 1\n```").html
    assert not any(classes(span) for span in elements(html, "span"))


def test_table_is_wrapped_in_a_scroll_container():
    html = render_markdown("| a | b |\n|:--|--:|\n| 1 | 2 |").html
    assert re.fullmatch(r'<div class="table-scroll"><table>.*</table></div>', html, re.DOTALL)
    assert [e.attrs.get("align") for e in elements(html, "th")] == ["left", "right"]


def test_images_load_lazily_and_decode_asynchronously():
    html = render_markdown('![図](/media/a.png "説明")\n\n<img src="/b.png" alt="b">').html
    images = elements(html, "img")
    assert len(images) == 2
    for image in images:
        assert image.attrs["loading"] == "lazy"
        assert image.attrs["decoding"] == "async"


@pytest.mark.parametrize(
    "url",
    [
        "https://www.amazon.co.jp/dp/4798168033/",
        "https://amazon.co.jp/dp/4798168033/",
        "https://www.amazon.com/dp/B0C1234567",
        "https://amzn.to/3abcDEF",
        "https://amzn.asia/d/abc",
        "http://smile.AMAZON.com/x",
    ],
)
def test_amazon_links_are_sponsored(url):
    html = render_markdown(f"[本]({url})").html
    assert elements(html, "a")[0].attrs["rel"] == "sponsored noopener"
    assert 'rel="sponsored' in html  # Post.has_affiliate_links looks for exactly this


@pytest.mark.parametrize(
    "url", ["https://example.com/", "https://notamazon.com/x", "https://amazon.co.jp.evil.example/"]
)
def test_other_external_links_get_noopener_only(url):
    html = render_markdown(f"[外部]({url})").html
    assert elements(html, "a")[0].attrs["rel"] == "noopener"


@pytest.mark.parametrize(
    "url", ["/2024/01/02/post/", "#section", "../other/", "mailto:a@example.com"]
)
def test_internal_links_get_no_rel(url):
    html = render_markdown(f"[内部]({url})").html
    assert "rel" not in elements(html, "a")[0].attrs


def test_author_supplied_rel_and_target_are_replaced():
    html = render_markdown('<a href="https://example.com" rel="opener" target="_blank">x</a>').html
    assert elements(html, "a")[0].attrs == {"href": "https://example.com", "rel": "noopener"}


def test_footnotes_link_both_ways():
    html = render_markdown("本文[^1]\n\n[^1]: 注釈の内容").html
    reference = elements(html, "sup")[0]
    targets = {e.attrs.get("id") for e in elements(html, "li")}
    links = [e.attrs["href"] for e in elements(html, "a")]
    assert f"#{next(iter(targets))}" in links
    assert f"#{reference.attrs['id']}" in links
    assert "注釈の内容" in html


def test_harmless_inline_html_from_the_allowlist_is_kept():
    source = "<kbd>Ctrl</kbd> <mark>注目</mark>\n\n<dl><dt>語</dt><dd>意味</dd></dl>"
    html = render_markdown(source).html
    assert {"kbd", "mark", "dl", "dt", "dd"} <= {e.tag for e in elements(html)}


def test_text_is_plain_unescaped_and_collapsed():
    rendered = render_markdown("# 題\n\nA &amp; B <b>太字</b>\n\n- 一\n-   二\n\n`x < y`")
    assert rendered.text == "題 A & B 太字 一 二 x < y"
    assert "&lt;" in rendered.html


def test_text_separates_words_of_adjacent_blocks_without_newlines():
    assert render_markdown("<dl><dt>語</dt><dd>意味</dd></dl>").text == "語 意味"


def test_rendering_twice_gives_identical_output():
    source = "## 見出し\n\n本文[^1]\n\n[^1]: 注"
    first, second = render_markdown(source), render_markdown(source)
    assert first == second
    assert isinstance(first, Rendered)
    assert first.toc[0].id == "見出し"  # no "_1": nothing leaks from the previous document
