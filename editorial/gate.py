"""The quality gate the workflow runs before publishing and scheduling.

Providers register a callable `provider(post) -> Iterable[GateFinding]`; the quality-check
engine is one. With no providers registered the gate lets everything through.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from blog.models import Post

ERROR = "error"
WARNING = "warning"
INFO = "info"


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


def register(provider: Provider) -> Provider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def unregister(provider: Provider) -> None:
    if provider in _providers:
        _providers.remove(provider)


def evaluate(post: Post) -> list[GateFinding]:
    return [finding for provider in _providers for finding in provider(post)]


def blocking(findings: Iterable[GateFinding]) -> list[GateFinding]:
    return [f for f in findings if f.severity == ERROR]
