"""The quality gate the workflow runs before publishing and scheduling.

Providers register a callable `provider(post) -> Iterable[GateFinding]`; the quality-check
engine is one. With no providers registered the gate lets everything through.

Evaluating reads only (the API shows the gate's findings on a GET). A provider may also give a
`record` callable with the same signature that keeps what it found (the quality engine stores
the post's report); the workflow evaluates with `record=True`, as part of a transition.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from blog.models import Post
from editorial.logic.draft import ERROR, INFO, WARNING

__all__ = ["ERROR", "INFO", "WARNING", "GateFinding", "blocking", "evaluate", "register"]


@dataclass(frozen=True)
class GateFinding:
    code: str
    severity: str
    message: str
    # Where the problem is (the quality checks fill these in): a field name and a body line.
    field: str = ""
    line: int | None = None


Provider = Callable[[Post], Iterable[GateFinding]]
_providers: list[Provider] = []
_recorders: dict[Provider, Provider] = {}


def register(provider: Provider, *, record: Provider | None = None) -> Provider:
    if provider not in _providers:
        _providers.append(provider)
    if record is not None:
        _recorders[provider] = record
    return provider


def unregister(provider: Provider) -> None:
    if provider in _providers:
        _providers.remove(provider)
    _recorders.pop(provider, None)


def evaluate(post: Post, *, record: bool = False) -> list[GateFinding]:
    """Every provider's findings; with `record`, through the providers' recorders."""
    found = []
    for provider in _providers:
        run = _recorders.get(provider, provider) if record else provider
        found.extend(run(post))
    return found


def blocking(findings: Iterable[GateFinding]) -> list[GateFinding]:
    return [f for f in findings if f.severity == ERROR]
