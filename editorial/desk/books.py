"""The desk's book picker: search of the affiliate books and a quick add by ASIN."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Q

from blog.logic.asin import asin_error, normalize_asin
from blog.models import AffiliateBook


def book_json(book: AffiliateBook) -> dict:
    return {
        "id": book.pk,
        "title": book.title,
        "asin": book.asin,
        "description": book.description,
        "is_active": book.is_active,
        "text": str(book),
    }


def search_books(query: str, *, limit: int = 20) -> list[dict]:
    """Books whose title contains the query or whose ASIN starts with it."""
    query = query.strip()
    if not query:
        return []
    books = AffiliateBook.objects.filter(
        Q(title__icontains=query) | Q(asin__startswith=normalize_asin(query))
    ).order_by("-is_active", "title")[:limit]
    return [book_json(book) for book in books]


class BookError(ValueError):
    def __init__(self, errors: dict[str, str]):
        super().__init__(errors)
        self.errors = errors


def add_book(asin: str, title: str, description: str = "") -> tuple[AffiliateBook, bool]:
    """Register a book by ASIN (or return the one already registered); raises BookError with
    a message per field."""
    asin = normalize_asin(asin)
    errors = {}
    problem = asin_error(asin)
    if problem:
        errors["asin"] = problem
    existing = AffiliateBook.objects.filter(asin=asin).first() if not problem else None
    if existing is not None:
        return existing, False
    title = title.strip()
    if not title:
        errors["title"] = "書名を入力してください。"
    elif len(title) > 200:
        errors["title"] = f"書名は200文字までです（{len(title)}文字）。"
    if errors:
        raise BookError(errors)
    try:
        with transaction.atomic():
            book = AffiliateBook.objects.create(
                asin=asin, title=title, description=description.strip()
            )
    except IntegrityError:  # registered by someone else a moment ago
        return AffiliateBook.objects.get(asin=asin), False
    return book, True
