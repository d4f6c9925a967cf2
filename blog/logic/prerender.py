"""What saving a post computes from its texts, done ahead in another process.

`Post.save()` renders the body (HTML, table of contents, plain text, reading time) and the
search index tokenises the title, lead and text. For one post in the admin that takes a few
milliseconds; for the Jekyll import of thousands of long posts it is most of the run. The
import sends each post's texts to worker processes (`submit`) while this process writes the
previous posts, and passes the result to the save (`Post.save(prerendered=...)`), which uses
it only if the texts are still the ones rendered. Plain values only: no Django here, so the workers
start quickly.
"""

from __future__ import annotations

from dataclasses import dataclass

from blog.logic.reading_time import reading_minutes
from blog.logic.rendering import Rendered, render_markdown
from blog.logic.search_tokens import index_tokens


@dataclass(frozen=True)
class PreRendered:
    title: str
    excerpt: str
    body: str
    rendered: Rendered
    reading_time: int
    title_tokens: str
    tokens: str

    def renders(self, body: str) -> bool:
        return body == self.body

    def indexes(self, title: str, excerpt: str, text: str) -> bool:
        return (title, excerpt, text) == (self.title, self.excerpt, self.rendered.text)


@dataclass(frozen=True)
class _Result:
    """What comes back from a worker (the texts sent stay in the parent)."""

    rendered: Rendered
    reading_time: int
    title_tokens: str
    tokens: str


def _work(title: str, excerpt: str, body: str) -> _Result:
    rendered = render_markdown(body)
    return _Result(
        rendered, reading_minutes(rendered.text), *index_tokens(title, excerpt, rendered.text)
    )


def prerender(title: str, excerpt: str, body: str) -> PreRendered:
    """Render in this process (the same result as a worker's; for tests and small runs)."""
    return complete(title, excerpt, body, _work(title, excerpt, body))


def submit(pool, title: str, excerpt: str, body: str):
    """Start rendering in `pool` (a ProcessPoolExecutor); `complete()` the future's result."""
    return pool.submit(_work, title, excerpt, body)


def complete(title: str, excerpt: str, body: str, result: _Result) -> PreRendered:
    return PreRendered(
        title,
        excerpt,
        body,
        result.rendered,
        result.reading_time,
        result.title_tokens,
        result.tokens,
    )
