"""What an editor reads on a rendered admin page: the text outside scripts, styles and hidden
elements, and the words the browser shows from attributes (buttons' values, placeholders,
tooltips). The tests that hold the admin to written Japanese read pages through this."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

_INVISIBLE = {"script", "style", "template", "noscript", "head"}
_VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
}  # fmt: skip
_SHOWN_VALUES = {"submit", "button", "reset"}
# Where a page names things rather than shows data: headings, labels, buttons, table headers,
# the action menu, breadcrumbs, the links above a list (the choices of a filter are data).
_LABEL_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6", "label", "button", "legend", "caption",
               "summary"}  # fmt: skip
_LABEL_CLASSES = {"breadcrumbs", "object-tools", "addlink", "changelink", "viewlink",
                  "submit-row", "deletelink"}  # fmt: skip


@dataclass
class PageText:
    texts: list[str] = field(default_factory=list)
    """Visible text nodes, stripped, in document order."""
    attributes: list[tuple[str, str]] = field(default_factory=list)
    """(attribute, value) an editor sees: title, placeholder, aria-label, alt, button values."""
    labels: list[str] = field(default_factory=list)
    """Visible text nodes that name things: headings, labels, buttons, column and row headers,
    the action menu, breadcrumbs, the links above a list."""

    @property
    def text(self) -> str:
        return "\n".join(self.texts)


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.page = PageText()
        self.stack: list[tuple[str, bool, bool]] = []  # (tag, hidden, names things)

    def _hidden(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    def _naming(self) -> bool:
        return bool(self.stack) and self.stack[-1][2]

    def _is_label(self, tag: str, values: dict) -> bool:
        if tag in _LABEL_TAGS:
            return True
        if set((values.get("class") or "").split()) & _LABEL_CLASSES:
            return True
        if tag == "th":
            return values.get("scope") == "row" or any(t == "thead" for t, *_ in self.stack)
        if tag == "option":
            return any(t == "select-action" for t, *_ in self.stack)
        return False

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        hidden = (
            self._hidden()
            or tag in _INVISIBLE
            or "hidden" in values
            or (tag == "input" and values.get("type") == "hidden")
            or "display:none" in (values.get("style") or "").replace(" ", "")
        )
        if not hidden:
            for name in ("title", "placeholder", "aria-label", "alt"):
                if values.get(name):
                    self.page.attributes.append((name, values[name]))
            if tag == "input" and values.get("type") in _SHOWN_VALUES and values.get("value"):
                self.page.attributes.append(("value", values["value"]))
        naming = self._naming() or self._is_label(tag, values)
        shown_value = tag == "input" and values.get("type") in _SHOWN_VALUES
        if not hidden and shown_value and values.get("value"):
            self.page.labels.append(values["value"])
        if tag == "select" and values.get("name") == "action":
            tag = "select-action"  # its options are the actions' names
        if tag not in _VOID:
            self.stack.append((tag, hidden, naming))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag == "select" and any(t == "select-action" for t, *_ in self.stack):
            tag = "select-action"
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        text = " ".join(data.split())
        if text and not self._hidden():
            self.page.texts.append(text)
            if self._naming():
                self.page.labels.append(text)


def page_text(html: str) -> PageText:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader.page
