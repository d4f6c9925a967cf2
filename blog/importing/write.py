"""Writing one prepared post: its row (through `Post.save()`, with the body rendered ahead),
author, category, tags and books. The rows it creates or looks up are kept for the rest of the
run, and forgotten again when the post they were made for fails (`checkpoint`)."""

from __future__ import annotations

import hashlib
import unicodedata
from collections import Counter
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.text import slugify
from taggit.models import Tag

from blog.importing.prepare import Prepared
from blog.importing.report import ImportReport
from blog.importing.scan import import_meta
from blog.logic import jekyll
from blog.logic.asin import normalize_asin
from blog.logic.prerender import PreRendered
from blog.logic.site_facts import AUTHOR_SLUGS, CategoryInfo
from blog.models import AffiliateBook, Author, Category, Post, PostBook, TaggedPost


class Writer:
    def __init__(self, report: ImportReport, *, status: str, dry_run: bool) -> None:
        self.report = report
        self.status = status
        self.dry_run = dry_run
        self._authors: dict[str, Author] = {}
        self._categories: dict[str, Category] = {}
        self._books: dict[str, AffiliateBook] = {}
        self._tags: dict[str, Tag] = {}

    def load(self) -> None:
        """Read the books and tags the database has (inside the run's transaction)."""
        self._books = {book.asin: book for book in AffiliateBook.objects.all()}
        self._tags = {}
        for tag in Tag.objects.order_by("pk"):
            self._tags.setdefault(tag.name.casefold(), tag)

    def checkpoint(self) -> tuple:
        """What to forget if the next post fails (see rollback_to)."""
        caches = (self._authors, self._categories, self._books, self._tags)
        return tuple(set(cache) for cache in caches), Counter(self.report.counts)

    def rollback_to(self, checkpoint: tuple) -> None:
        """Forget what the failed post created: its savepoint took those rows with it."""
        keys, counts = checkpoint
        for cache, before in zip(
            (self._authors, self._categories, self._books, self._tags), keys, strict=True
        ):
            for key in set(cache) - before:
                del cache[key]
        self.report.counts = counts

    def write(
        self, post: Post | None, prepared: Prepared, digest: str, pre: PreRendered | None = None
    ) -> Post:
        """Create or update the post from its file. `pre`: its texts rendered and tokenised in
        a worker process. No social card is drawn: `generate_ogp --missing` draws them all
        afterwards on every core (2,500 drawings here would take minutes, and a dry run must
        write no file)."""
        creating = post is None
        if creating:
            post = Post(status=self.status)
            if prepared.empty_body or prepared.hidden_on_old_site:
                post.status = Post.Status.DRAFT
        else:
            post = Post.objects.get(pk=post.pk)  # the full row (the scan loaded a few columns)
        for name, value in prepared.fields.items():
            setattr(post, name, value)
        post.author = self._author(prepared.author_name)
        post.category = self.category(prepared.category) if prepared.category else None

        old_meta = import_meta(post)
        image_sha = (prepared.image or {}).get("sha256")
        if image_sha and (old_meta.get("image_sha256") != image_sha or not post.ogp_image):
            if not self.dry_run:
                name = PurePosixPath(prepared.image["path"]).name
                post.ogp_image.save(name, ContentFile(prepared.image_bytes), save=False)
            self.report.counts["images_imported"] += 1

        extra = dict(post.extra) if isinstance(post.extra, dict) else {}
        extra["jekyll"] = prepared.extra_jekyll
        extra["import"] = {
            "source": prepared.source.rel,
            "hash": digest,
            # save() bumps the version of an existing post; a later run compares against this.
            "version": 1 if creating else post.version + 1,
            **({"image_sha256": image_sha} if image_sha else {}),
            **prepared.extra_import,
        }
        post.extra = extra
        # Field checks only (lengths, URL): the slug and the URL's uniqueness were settled by
        # the scan, and the author and category were just fetched.
        post.clean_fields(exclude=["ogp_image", "author", "category", "created_by"])
        post.save(prerendered=pre, draw_card=False)
        self._write_tags(post, prepared.tags, creating)
        self._write_books(post, prepared.books, creating)
        return post

    def _write_tags(self, post: Post, names: list[str], creating: bool) -> None:
        """`post.tags.set(names)` in two queries: taggit looks each tag up one by one, which
        was a third of the import's time."""
        wanted = []
        for name in names:
            tag = self._tags.get(name.casefold())
            if tag is None:
                tag = Tag.objects.create(name=name)  # taggit makes the (Unicode) slug unique
                self._tags[name.casefold()] = tag
            wanted.append(tag.pk)
        if not creating:
            current = set(
                TaggedPost.objects.filter(content_object=post).values_list("tag_id", flat=True)
            )
            if current == set(wanted):
                return
            TaggedPost.objects.filter(content_object=post).delete()
        TaggedPost.objects.bulk_create(TaggedPost(content_object=post, tag_id=pk) for pk in wanted)

    def _write_books(self, post: Post, items: list[jekyll.BookItem], creating: bool) -> None:
        if not creating:
            post.book_links.all().delete()
        links = []
        for position, item in enumerate(items):
            asin = normalize_asin(item.asin or "")
            book = self._books.get(asin)
            if book is None:
                book = AffiliateBook.objects.create(
                    asin=asin, title=item.title[:200], description=item.description
                )
                self._books[asin] = book
                self.report.counts["books_created"] += 1
            note = item.description[:200] if item.description != book.description else ""
            links.append(PostBook(post=post, book=book, position=position, note=note))
        PostBook.objects.bulk_create(links)
        self.report.counts["books_linked"] += len(links)

    def _author(self, name: str) -> Author:
        name = unicodedata.normalize("NFC", name).strip()
        if name in self._authors:
            return self._authors[name]
        author = Author.objects.filter(name=name).first()
        if author is None:
            slug = AUTHOR_SLUGS.get(name.removeprefix("ALLFORCES")) or AUTHOR_SLUGS.get(name)
            if not slug or Author.objects.filter(slug=slug).exists():
                base = slugify(name) or "author"
                slug = f"{base}-{hashlib.sha1(name.encode()).hexdigest()[:6]}"
            # Every byline of the old site is a team or the publisher, never a person.
            author = Author.objects.create(name=name, slug=slug, is_organization=True)
            self.report.counts["authors_created"] += 1
        self._authors[name] = author
        return author

    def category(self, info: CategoryInfo) -> Category:
        """The site category's row, created when the database has none yet."""
        if info.slug in self._categories:
            return self._categories[info.slug]
        category = (
            Category.objects.filter(slug=info.slug).first()
            or Category.objects.filter(name=info.name).first()
        )
        if category is None:
            category = Category.objects.create(
                name=info.name,
                slug=info.slug,
                order=info.order,
                ogp_gradient_start=info.gradient_start,
                ogp_gradient_end=info.gradient_end,
                ogp_accent=info.accent,
            )
            self.report.counts["categories_created"] += 1
        self._categories[info.slug] = category
        return category

    def known_category(self, slug: str) -> Category | None:
        """The category's row if this run has used (or created) it."""
        return self._categories.get(slug)


def validation_message(exc: ValidationError) -> str:
    if hasattr(exc, "message_dict"):
        parts = [f"{name}: {' '.join(messages)}" for name, messages in exc.message_dict.items()]
        return "保存できませんでした（" + " / ".join(parts) + "）。"
    return "保存できませんでした（" + " ".join(exc.messages) + "）。"
