"""Site search: an index of CJK bigrams on both databases (see blog/logic/search_tokens.py).

The index is the SearchDocument table plus what migration 0002 built on it: a GIN-indexed
tsvector column on PostgreSQL, an FTS5 table on SQLite. A query is an AND of tokens answered by
that index; the post table then keeps only what `Post.objects.published()` allows, so a draft
can be indexed but is never found. Results: title matches first, then newest first.

A saved post's document is written by `Post.save()` itself (`SearchDocument.objects
.write_for`); this module answers queries and rebuilds the index in bulk.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import BooleanField, ExpressionWrapper, QuerySet
from django.db.models.expressions import RawSQL
from django.http import Http404

from blog.logic.search_tokens import Query, parse_query
from blog.logic.snippets import highlight, snippet
from blog.models import HEAVY_FIELDS, Post, SearchDocument

MAX_QUERY_LENGTH = 100


def rebuild(posts: Iterable[Post] | None = None, batch_size: int = 200) -> int:
    """Index many posts at once (after a bulk write that bypassed `Post.save()`, which writes
    each saved post's document itself)."""
    if posts is None:
        posts = Post.objects.only("pk", "title", "excerpt", "body_text").iterator(batch_size)
    count = 0
    batch: list[SearchDocument] = []
    for post in posts:
        batch.append(SearchDocument.for_post(post))
        if len(batch) >= batch_size:
            count += _replace(batch)
            batch = []
    if batch:
        count += _replace(batch)
    return count


def _replace(documents: list[SearchDocument]) -> int:
    SearchDocument.objects.filter(post_id__in=[d.post_id for d in documents]).delete()
    SearchDocument.objects.bulk_create(documents)
    return len(documents)


def _matching_ids_sql(query: Query, title_only: bool = False) -> tuple[str, list[str]]:
    if connection.vendor == "postgresql":
        if title_only:
            return (
                "SELECT post_id FROM blog_searchdocument WHERE vector @@ %s::tsquery AND "
                "array_to_tsvector(string_to_array(title_tokens, ' ')) @@ %s::tsquery",
                [query.to_tsquery(), query.to_tsquery()],
            )
        return (
            "SELECT post_id FROM blog_searchdocument WHERE vector @@ %s::tsquery",
            [query.to_tsquery()],
        )
    expression = query.to_fts5()
    if title_only:
        expression = f"title_tokens : ({expression})"
    return "SELECT rowid FROM blog_search_fts WHERE blog_search_fts MATCH %s", [expression]


def search(text: str) -> QuerySet:
    """Ids of public posts matching `text`, title matches first, then newest first.

    Only ids travel through the ranking: sorting wide rows (with their text) would copy every
    match's body through the sorter. `load_page()` fetches the posts of one page afterwards.
    """
    query = parse_query(text[:MAX_QUERY_LENGTH])
    if not query:
        return Post.objects.none().values_list("pk", flat=True)
    ids_sql, ids_params = _matching_ids_sql(query)
    title_sql, title_params = _matching_ids_sql(query, title_only=True)
    return (
        Post.objects.published()
        .filter(pk__in=RawSQL(ids_sql, ids_params))
        .annotate(
            title_hit=ExpressionWrapper(
                RawSQL(f"{Post._meta.db_table}.id IN ({title_sql})", title_params),
                output_field=BooleanField(),
            )
        )
        .order_by("-title_hit", "-published_at", "-pk")
        .values_list("pk", flat=True)
    )


def search_page(text: str, number: int | str | None, paginate):
    """One page of ids for `text` (count and slice evaluated here), via `paginate(qs, number)`.

    PostgreSQL's planner prices `vector @@ query` as cheap and, for a term found in most posts,
    prefers reading rows (sequentially or along the primary key) and testing each, which
    unpacks every post's tsvector (100 ms for 3,000 posts) instead of asking the GIN index
    (under 1 ms). The search runs in its own transaction with plain and index scans priced
    out, which leaves bitmap scans: the GIN index answers whatever the term.
    """
    if connection.vendor != "postgresql":
        page = paginate(search(text), number)
        page.object_list = list(page.object_list)
        return page
    missing = None
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('enable_seqscan', 'off', true), "
            "set_config('enable_indexscan', 'off', true)"
        )
        try:
            page = paginate(search(text), number)
            page.object_list = list(page.object_list)
        except Http404 as error:  # not a database error: leave the transaction unharmed
            missing = error
    if missing is not None:
        raise missing
    return page


def load_page(ids: Iterable[int]) -> list[Post]:
    """The posts for one page of ids, in that order, with what a result shows."""
    ids = list(ids)
    by_id = (
        Post.objects.filter(pk__in=ids)
        .select_related("category")
        .defer(*(f for f in HEAVY_FIELDS if f != "body_text"))
        .in_bulk(ids)
    )
    return [by_id[pk] for pk in ids if pk in by_id]


@dataclass(frozen=True)
class Hit:
    post: Post
    title_html: str
    snippet_html: str


def hits(posts: Iterable[Post], text: str) -> list[Hit]:
    """Highlighted title and snippet for the posts of one result page."""
    terms = parse_query(text[:MAX_QUERY_LENGTH]).highlight
    return [
        Hit(
            post=post,
            title_html=highlight(post.title, terms),
            snippet_html=snippet(post.body_text or post.excerpt, terms),
        )
        for post in posts
    ]
