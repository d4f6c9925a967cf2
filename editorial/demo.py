"""Demo data for a newcomer's first run: the site's categories, authors, books, calls to action,
ten articles written for this project (some with the defects of AI drafts) and one user per role;
then the quality checks run on the demo posts, so the post list shows their results.

Idempotent: existing rows are left as they are, so an editor's changes to the demo survive a
second run, and passwords are only ever set when a user is created.
"""

import datetime as dt
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from blog import demo_content
from blog.models import AffiliateBook, Author, CallToAction, Category, Post, PostBook, RelatedPost
from editorial import roles
from editorial.quality import checking

DEMO_USERS = [
    # username, role group (None = superuser), display name
    ("admin", None, "管理者"),
    ("writer", roles.WRITER, "執筆者デモ"),
    ("editor", roles.EDITOR, "編集者デモ"),
    ("chief", roles.CHIEF_EDITOR, "編集長デモ"),
]

CREDENTIALS_FILE = Path(settings.BASE_DIR) / "var" / "demo-credentials.txt"


@dataclass
class SeedReport:
    created: dict[str, int] = field(default_factory=dict)
    new_credentials: list[tuple[str, str, str]] = field(default_factory=list)
    checked: int = 0

    def count(self, what: str, was_created: bool) -> None:
        self.created[what] = self.created.get(what, 0) + int(was_created)


@transaction.atomic
def seed_demo(now: dt.datetime | None = None) -> SeedReport:
    now = now or timezone.now()
    report = SeedReport()
    categories = {}
    for row in demo_content.CATEGORIES:
        category, created = Category.objects.get_or_create(
            slug=row["slug"],
            defaults={
                "name": row["name"],
                "description": row["description"],
                "order": row["order"],
                "ogp_gradient_start": row["gradient_start"],
                "ogp_gradient_end": row["gradient_end"],
                "ogp_accent": row["accent"],
            },
        )
        categories[category.slug] = category
        report.count("カテゴリ", created)

    authors = {}
    for row in demo_content.AUTHORS:
        author, created = Author.objects.get_or_create(
            slug=row["slug"],
            defaults={
                "name": row["name"],
                "bio": row["bio"],
                "is_organization": row["is_organization"],
            },
        )
        authors[author.slug] = author
        report.count("著者", created)

    books = {}
    for row in demo_content.BOOKS:
        book, created = AffiliateBook.objects.get_or_create(
            asin=row["asin"], defaults={"title": row["title"], "description": row["description"]}
        )
        books[book.asin] = book
        report.count("書籍", created)

    for row in demo_content.CALLS_TO_ACTION:
        _, created = CallToAction.objects.get_or_create(
            category=categories[row["category"]],
            defaults={k: row[k] for k in ("heading", "text", "link_label", "url")},
        )
        report.count("CTA", created)

    posts = {}
    new_posts = set()
    for row in demo_content.POSTS:
        post = Post.objects.filter(slug=row["slug"], extra__demo=True).first()
        if post is None:
            post = _create_post(row, categories, authors, now)
            new_posts.add(post.slug)
        posts[post.slug] = post
        report.count("記事", post.slug in new_posts)

    for row in demo_content.POSTS:
        if row["slug"] not in new_posts:
            continue
        post = posts[row["slug"]]
        for position, asin in enumerate(row["books"]):
            PostBook.objects.create(post=post, book=books[asin], position=position)
        for position, slug in enumerate(row["related"]):
            RelatedPost.objects.create(post=post, related=posts[slug], position=position)

    _seed_users(report)
    # The post list shows each post's last check: run the checks on the demo posts that have
    # none yet (or were saved since), so a newcomer sees real results, not 「未チェック」.
    stale = checking.stale_posts().filter(extra__demo=True)
    report.checked = sum(1 for _ in checking.check_posts(stale))
    return report


def _create_post(row, categories, authors, now) -> Post:
    status = row["status"]
    published_at = None
    if status == Post.Status.PUBLISHED:
        published_at = (now - dt.timedelta(days=row["days_ago"])).replace(microsecond=0)
    post = Post(
        title=row["title"],
        slug=row["slug"],
        status=status,
        published_at=published_at,
        author=authors[row["author"]],
        category=categories[row["category"]],
        excerpt=row["excerpt"],
        description=row["description"],
        body=row["body"],
        extra={"demo": True, "defects": row["defects"]},
    )
    post.full_clean()
    post.save()
    post.tags.set(row["tags"])
    return post


def _seed_users(report: SeedReport) -> None:
    from django.contrib.auth.models import Permission

    roles.sync_roles(Group, Permission)
    user_model = get_user_model()
    for username, group_name, display in DEMO_USERS:
        if user_model.objects.filter(username=username).exists():
            report.count("ユーザー", False)
            continue
        password = secrets.token_urlsafe(12)
        user = user_model(
            username=username,
            first_name=display,
            email=f"{username}@example.invalid",
            is_staff=True,
            is_superuser=group_name is None,
        )
        user.set_password(password)
        user.save()
        if group_name:
            user.groups.add(Group.objects.get(name=group_name))
        report.count("ユーザー", True)
        report.new_credentials.append((username, password, group_name or "スーパーユーザー"))
    if report.new_credentials:
        _remember_credentials(report.new_credentials)


def _remember_credentials(rows: list[tuple[str, str, str]]) -> None:
    """Keep the generated logins in a git-ignored file so `make run` can show them again."""
    CREDENTIALS_FILE.parent.mkdir(parents=True, exist_ok=True)
    with CREDENTIALS_FILE.open("a", encoding="utf-8") as fh:
        for username, password, role in rows:
            fh.write(f"{username}\t{password}\t{role}\n")
    CREDENTIALS_FILE.chmod(0o600)
