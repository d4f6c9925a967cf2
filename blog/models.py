"""What the site publishes: posts, their authors, categories, tags, books and redirects.

The status values live here; the rules for moving between them live in `editorial`.
`PostQuerySet.published()` is the only definition of "public".
"""

import datetime as dt
from collections.abc import Callable
from urllib.parse import unquote

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.validators import RegexValidator
from django.db import models, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from blog.logic import ogp
from blog.logic import urls as url_logic
from blog.logic.asin import amazon_url, asin_error, normalize_asin
from blog.logic.images import UPLOAD_KEY_RE
from blog.logic.prerender import PreRendered
from blog.logic.reading_time import reading_minutes
from blog.logic.rendering import ImageSource, ResponsiveImage, render_markdown
from blog.logic.search_tokens import index_tokens
from blog.ogp.fields import OgpOverrideField, ogp_override_upload_to, validate_ogp_override
from blog.ogp.meta import OgImage
from blog.signals import post_saved
from blog.validators import validate_image_upload, validate_link_target, validate_page_path

hex_colour = RegexValidator(r"^#[0-9A-Fa-f]{6}$", "色は #RRGGBB の形式で入力してください。")


class StalePostError(Exception):
    """Someone saved the post after this copy was loaded; saving it would overwrite their work."""

    message = (
        "この記事は、編集を始めた後に別の人が保存しています。"
        "上書きを防ぐため保存しませんでした。入力内容は残っています。"
        "最新版を別タブで開いて差分を確認し、反映してから保存し直してください。"
    )


class Author(models.Model):
    name = models.CharField("表示名", max_length=100, unique=True)
    slug = models.SlugField("スラッグ", max_length=100, unique=True, help_text="英数字とハイフン。")
    bio = models.TextField("紹介文", blank=True)
    avatar = models.ImageField(
        "アバター", upload_to="authors/", blank=True, validators=[validate_image_upload]
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="ユーザー",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="author_profile",
    )
    is_organization = models.BooleanField(
        "組織名義",
        default=True,
        help_text="「ALLFORCES編集部」のようなチーム名義。構造化データで Organization になります。",
    )

    class Meta:
        verbose_name = "著者"
        verbose_name_plural = "著者"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Category(models.Model):
    name = models.CharField("名前", max_length=50, unique=True)
    slug = models.SlugField(
        "スラッグ",
        max_length=50,
        unique=True,
        help_text="ページ・フィード・パンくず共通の英字スラッグ。",
    )
    description = models.TextField("説明", blank=True)
    order = models.PositiveSmallIntegerField("表示順", default=0)
    ogp_gradient_start = models.CharField(
        "OGP グラデーション開始色", max_length=7, default="#1A365D", validators=[hex_colour]
    )
    ogp_gradient_end = models.CharField(
        "OGP グラデーション終了色", max_length=7, default="#0D9488", validators=[hex_colour]
    )
    ogp_accent = models.CharField(
        "OGP アクセント色", max_length=7, default="#E6FFFA", validators=[hex_colour]
    )

    class Meta:
        verbose_name = "カテゴリ"
        verbose_name_plural = "カテゴリ"
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class AffiliateBook(models.Model):
    title = models.CharField("書名", max_length=200)
    asin = models.CharField(
        "ASIN",
        max_length=10,
        unique=True,
        help_text="10文字。書籍はISBN-10（チェックディジットを検証します）。",
    )
    description = models.TextField("紹介文", blank=True)
    cover = models.ImageField(
        "表紙画像", upload_to="books/", blank=True, validators=[validate_image_upload]
    )
    is_active = models.BooleanField("掲載する", default=True)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)
    updated_at = models.DateTimeField("更新日時", auto_now=True)

    class Meta:
        verbose_name = "アフィリエイト書籍"
        verbose_name_plural = "アフィリエイト書籍"
        ordering = ["title"]

    def __str__(self) -> str:
        return f"{self.title}（{self.asin}）"

    def clean(self) -> None:
        self.asin = normalize_asin(self.asin)
        error = asin_error(self.asin)
        if error:
            raise ValidationError({"asin": error})

    @property
    def amazon_url(self) -> str:
        return amazon_url(self.asin, settings.AMAZON_ASSOCIATE_TAG)


class CallToAction(models.Model):
    category = models.OneToOneField(
        Category,
        verbose_name="カテゴリ",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="call_to_action",
        help_text="空欄ならカテゴリ専用のものがない記事に使う既定の CTA です。",
    )
    heading = models.CharField("見出し", max_length=100)
    text = models.CharField("本文", max_length=300)
    link_label = models.CharField("リンクの文言", max_length=50)
    url = models.CharField(
        "リンク先",
        max_length=500,
        validators=[validate_link_target],
        help_text="例: /services/?utm_source=article&utm_medium=cta&utm_campaign=news",
    )
    is_active = models.BooleanField("表示する", default=True)

    class Meta:
        verbose_name = "CTA（行動喚起）"
        verbose_name_plural = "CTA（行動喚起）"
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"],
                condition=Q(category__isnull=True, is_active=True),
                name="blog_cta_one_active_default",
                violation_error_message="有効な既定の CTA は1つだけです。",
            )
        ]

    def __str__(self) -> str:
        return f"{self.category or '既定'}: {self.heading}"


class PostStatus(models.TextChoices):
    DRAFT = "draft", "下書き"
    IN_REVIEW = "in_review", "レビュー待ち"
    CHANGES_REQUESTED = "changes_requested", "差し戻し"
    APPROVED = "approved", "承認済み"
    PUBLISHED = "published", "公開"
    UNPUBLISHED = "unpublished", "公開停止"


class OgpImageSource(models.TextChoices):
    GENERATED = "generated", "自動生成カード"
    UPLOADED = "uploaded", "アップロード画像"


class PostQuerySet(models.QuerySet):
    def published(self, now: dt.datetime | None = None) -> "PostQuerySet":
        """Posts the public may see at `now`: published status and a publication time reached."""
        return self.filter(status=PostStatus.PUBLISHED, published_at__lte=now or timezone.now())

    def scheduled(self, now: dt.datetime | None = None) -> "PostQuerySet":
        """Posts set to go public later: published status, a publication time still ahead."""
        return self.filter(status=PostStatus.PUBLISHED, published_at__gt=now or timezone.now())

    def in_category(self, category: Category | str) -> "PostQuerySet":
        if isinstance(category, Category):
            return self.filter(category=category)
        return self.filter(category__slug=category)

    def with_tag(self, tag_slug: str) -> "PostQuerySet":
        return self.filter(tags__slug=tag_slug)

    def for_cards(self) -> "PostQuerySet":
        """What a card shows (title, date, category, lead): no bodies, no tags, one query."""
        return self.select_related("category").defer(*HEAVY_FIELDS).order_by("-published_at", "-pk")


# Columns a list never needs; deferring them keeps list queries from reading article bodies.
HEAVY_FIELDS = ("body", "body_html", "body_text", "toc", "extra")


class TaggedPost(TaggedItemBase):
    content_object = models.ForeignKey("Post", on_delete=models.CASCADE)

    class Meta:
        verbose_name = "記事のタグ"
        verbose_name_plural = "記事のタグ"


# The fields whose change is a substantive update (「更新」 on the page, lastmod in the sitemap);
# metadata edits such as tags or the meta description are not.
CONTENT_FIELDS = ("title", "excerpt", "body")
# The fields the search document is made from: a save storing one of them rewrites it.
INDEXED_FIELDS = frozenset({"title", "excerpt", "body", "body_text"})


class Post(models.Model):
    Status = PostStatus
    OgpImageSource = OgpImageSource

    title = models.CharField("タイトル", max_length=200)
    slug = models.CharField(
        "スラッグ",
        max_length=200,
        help_text="URL の最後の部分。日本語や数字始まりも可（例: 2-open-source-llm）。",
    )
    status = models.CharField(
        "状態", max_length=20, choices=PostStatus.choices, default=PostStatus.DRAFT
    )
    published_at = models.DateTimeField("公開日時", null=True, blank=True)
    url_date = models.DateField(
        "URL の日付",
        null=True,
        blank=True,
        help_text="初回公開時に公開日時（日本時間）の日付で決まり、その後は変わりません。"
        "変更すると旧 URL からのリダイレクトが作られます。",
    )
    author = models.ForeignKey(
        Author, verbose_name="著者", on_delete=models.PROTECT, related_name="posts"
    )
    category = models.ForeignKey(
        Category,
        verbose_name="カテゴリ",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="posts",
    )
    tags = TaggableManager("タグ", through=TaggedPost, blank=True, help_text="カンマ区切り。")
    excerpt = models.TextField("リード文", blank=True)
    description = models.CharField(
        "メタディスクリプション", max_length=300, blank=True, help_text="検索結果に出る要約。"
    )
    body = models.TextField("本文（Markdown）", blank=True)
    body_html = models.TextField("本文 HTML", blank=True, editable=False)
    toc = models.JSONField("目次", default=list, blank=True, editable=False)
    body_text = models.TextField("本文テキスト", blank=True, editable=False)
    reading_time = models.PositiveSmallIntegerField("読了時間（分）", default=1, editable=False)
    reading_time_override = models.PositiveSmallIntegerField(
        "読了時間の上書き（分）", null=True, blank=True, help_text="空欄なら本文から計算します。"
    )
    ogp_image = OgpOverrideField(
        "OGP 画像（アップロード）",
        upload_to=ogp_override_upload_to,
        max_length=200,
        blank=True,
        validators=[validate_ogp_override],
        width_field="ogp_image_width",
        height_field="ogp_image_height",
        help_text="自動生成カードの代わりに使う画像。PNG・JPEG・WebP、1200x630 以上、"
        "縦横比 1.91:1（±3%）、5 MB 以下。",
    )
    ogp_image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    ogp_image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    ogp_image_source = models.CharField(
        "SNS カードに使う画像",
        max_length=10,
        choices=OgpImageSource.choices,
        default=OgpImageSource.GENERATED,
    )
    ogp_card = models.FileField(
        "自動生成カード", upload_to="ogp/cards/", max_length=200, blank=True, editable=False
    )
    ogp_card_hash = models.CharField(
        "自動生成カードのハッシュ", max_length=64, blank=True, editable=False
    )
    ogp_card_note = models.TextField("自動生成カードの注意", blank=True, editable=False)
    noindex = models.BooleanField("検索エンジンに載せない", default=False)
    canonical_url = models.URLField("canonical URL の上書き", blank=True)
    books = models.ManyToManyField(
        AffiliateBook, through="PostBook", blank=True, related_name="posts", verbose_name="書籍"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="作成者",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="created_posts",
        help_text="執筆者が自分の記事だけを編集できるよう、作成したユーザーを記録します。",
    )
    created_at = models.DateTimeField("作成日時", auto_now_add=True)
    updated_at = models.DateTimeField("更新日時", auto_now=True)
    content_updated_at = models.DateTimeField(
        "内容の更新日時",
        null=True,
        blank=True,
        editable=False,
        help_text="タイトル・リード文・本文が変わった保存の日時（「更新」表示とサイトマップに使います）。",
    )
    version = models.PositiveIntegerField("版", default=1)
    extra = models.JSONField(
        "その他のメタデータ",
        default=dict,
        blank=True,
        help_text="モデルに欄のない情報（インポート元の項目など）。",
    )

    objects = PostQuerySet.as_manager()

    class Meta:
        verbose_name = "記事"
        verbose_name_plural = "記事"
        ordering = ["-published_at", "-pk"]
        permissions = [
            ("review_post", "記事をレビューできる"),
            ("publish_post", "記事を公開・予約・公開停止できる"),
            ("override_quality_gate", "品質チェックを理由付きで無視できる"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["url_date", "slug"],
                name="blog_post_unique_url",
                violation_error_message="この日付とスラッグの URL はすでに別の記事が使っています。",
            ),
            models.CheckConstraint(
                condition=~Q(status=PostStatus.PUBLISHED)
                | Q(published_at__isnull=False, url_date__isnull=False),
                name="blog_post_published_has_date",
                violation_error_message="公開する記事には公開日時が必要です。",
            ),
            models.CheckConstraint(
                condition=~Q(ogp_image_source=OgpImageSource.UPLOADED) | ~Q(ogp_image=""),
                name="blog_post_uploaded_card_has_image",
                violation_error_message=(
                    "「アップロード画像」を選ぶときは OGP 画像をアップロードしてください。"
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["status", "published_at"], name="blog_post_status_pub"),
            models.Index(
                fields=["category", "status", "published_at"], name="blog_post_cat_status_pub"
            ),
            # Lists order by (published_at, id) descending; with id in the index the database
            # reads the ten newest rows in order instead of sorting every public post.
            models.Index(fields=["status", "-published_at", "-id"], name="blog_post_list"),
            models.Index(
                fields=["category", "status", "-published_at", "-id"], name="blog_post_cat_list"
            ),
            models.Index(
                fields=["author", "status", "-published_at", "-id"], name="blog_post_author_list"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(
        self,
        *args,
        prerendered: PreRendered | None = None,
        draw_card: bool = True,
        **kwargs,
    ) -> None:
        """Render, fix the URL on first publication, refuse to overwrite a newer version, and
        write the search document; then send `post_saved` (the social card, the page cache).

        `prerendered`: the texts rendered and tokenised ahead (the import's worker processes),
        used only if they are still this post's texts. `draw_card=False`: the caller sees to
        the social card itself (the import leaves cards to `generate_ogp --missing`).

        A save with `update_fields` (a background job touching one column) neither renders nor
        checks nor bumps the version, so it cannot make an editor's open form stale; it
        rewrites the search document only when it stores a text.
        """
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            super().save(*args, **kwargs)
            if update_fields:  # an empty list saves nothing, and Django says nothing either
                fields = frozenset(update_fields)
                if fields & INDEXED_FIELDS:
                    SearchDocument.objects.write_for(self)
                self._saved(created=False, update_fields=fields, draw_card=draw_card)
            return
        self.render(prerendered)
        self.url_date = self.prospective_url_date()
        if self._state.adding or self.pk is None:
            # A new row: nothing to compare or redirect, and the INSERT is atomic by itself
            # (no savepoint: the import creates thousands of posts in one transaction).
            super().save(*args, **kwargs)
            SearchDocument.objects.write_for(self, prerendered)
            self._saved(created=True, update_fields=None, draw_card=draw_card)
            return
        with transaction.atomic():
            # Compare-and-swap on the version: the UPDATE also locks the row, so of two
            # concurrent saves from the same version exactly one wins.
            claimed = Post.objects.filter(pk=self.pk, version=self.version).update(
                version=F("version") + 1
            )
            if not claimed:
                raise StalePostError(StalePostError.message)
            previous = (
                Post.objects.filter(pk=self.pk).values("url_date", "slug", *CONTENT_FIELDS).first()
            )
            self.version += 1
            if previous and any(previous[f] != getattr(self, f) for f in CONTENT_FIELDS):
                self.content_updated_at = timezone.now()
            super().save(*args, **kwargs)
            SearchDocument.objects.write_for(self, prerendered)
            self._saved(created=False, update_fields=None, draw_card=draw_card)
            if previous is not None:
                self._redirect_moved_url(previous["url_date"], previous["slug"])

    def get_absolute_url(self) -> str:
        if self.url_date is None:
            raise ValueError(f"post {self.pk} has no public URL yet (never published)")
        return reverse(
            "blog:post_detail",
            kwargs={
                "year": f"{self.url_date:%Y}",
                "month": f"{self.url_date:%m}",
                "day": f"{self.url_date:%d}",
                "slug": self.slug,
            },
        )

    def clean(self) -> None:
        errors = {}
        slug_problem = url_logic.slug_error(self.slug)
        if slug_problem:
            errors["slug"] = slug_problem
        if self.status == PostStatus.PUBLISHED and self.published_at is None:
            errors["published_at"] = "公開する記事には公開日時が必要です。"
        # Fix the URL date now (as save() would) so the constraints validate what is saved.
        self.url_date = day = self.prospective_url_date()
        if day is not None and not slug_problem:
            clash = Post.objects.filter(url_date=day, slug=self.slug).exclude(pk=self.pk)
            if clash.exists():
                errors["slug"] = (
                    f"URL {url_logic.article_path(day, self.slug)} はすでに"
                    f"「{clash.first().title}」が使っています。スラッグか日付を変えてください。"
                )
        if errors:
            raise ValidationError(errors)

    # --- derived values -------------------------------------------------------------------

    @property
    def reading_minutes(self) -> int:
        return self.reading_time_override or self.reading_time

    @property
    def public_path(self) -> str | None:
        if self.url_date is None:
            return None
        return url_logic.article_path(self.url_date, self.slug)

    @property
    def canonical(self) -> str:
        if self.canonical_url or self.url_date is None:
            return self.canonical_url  # a post without a URL yet has no canonical of its own
        return settings.SITE_URL + self.get_absolute_url()

    @property
    def has_affiliate_links(self) -> bool:
        # The renderer marks every Amazon link as sponsored, so the HTML says it all.
        return 'rel="sponsored' in self.body_html

    @property
    def og_image(self) -> OgImage | None:
        """The card social networks should show: the uploaded image when chosen, else the
        generated one; None while neither exists."""
        if self.ogp_image_source == OgpImageSource.UPLOADED and self.ogp_image:
            suffix = self.ogp_image.name.rsplit(".", 1)[-1].lower()
            return OgImage(
                url=_absolute(self.ogp_image.url),
                width=self.ogp_image_width,
                height=self.ogp_image_height,
                type=_IMAGE_TYPES.get(suffix, "image/png"),
                alt=self.title,
            )
        if self.ogp_card:
            return OgImage(
                url=_absolute(self.ogp_card.url),
                width=ogp.WIDTH,
                height=ogp.HEIGHT,
                type="image/png",
                alt=self.title,
            )
        return None

    def og_image_url(self) -> str | None:
        image = self.og_image
        return image.url if image else None

    @property
    def last_modified(self) -> dt.datetime | None:
        """When the content last changed as the public sees it (publication or a later edit)."""
        if self.content_updated_at and (
            self.published_at is None or self.content_updated_at > self.published_at
        ):
            return self.content_updated_at
        return self.published_at

    @property
    def shows_update(self) -> bool:
        """「更新」 is shown when the content changed on a later (Tokyo) day than publication."""
        if not self.content_updated_at or not self.published_at:
            return False
        zone = timezone.get_default_timezone()
        return (
            timezone.localtime(self.content_updated_at, zone).date()
            > timezone.localtime(self.published_at, zone).date()
        )

    def is_public(self, now: dt.datetime | None = None) -> bool:
        return (
            self.status == PostStatus.PUBLISHED
            and self.published_at is not None
            and self.published_at <= (now or timezone.now())
            and self.url_date is not None
        )

    def prospective_url_date(self) -> dt.date | None:
        if self.url_date is not None:
            return self.url_date
        if self.status == PostStatus.PUBLISHED and self.published_at is not None:
            return url_logic.local_date(self.published_at, settings.TIME_ZONE)
        return None

    def render(self, prerendered: PreRendered | None = None) -> None:
        """Fill the rendered fields from the body; `prerendered` (the body rendered ahead in
        another process) is used if it was made from this body and the body needs no image
        lookup."""
        images = ArticleImage.objects.lookup_for(self.body)
        pre = prerendered
        if pre is not None and images is None and pre.renders(self.body):
            # Rendered without an image lookup, as this body needs.
            rendered, minutes = pre.rendered, pre.reading_time
        else:
            rendered = render_markdown(self.body, images=images)
            minutes = reading_minutes(rendered.text)
        self.body_html = rendered.html
        self.toc = [{"level": e.level, "id": e.id, "title": e.title} for e in rendered.toc]
        self.body_text = rendered.text
        self.reading_time = minutes

    def _saved(self, *, created: bool, update_fields: frozenset | None, draw_card: bool) -> None:
        post_saved.send(
            sender=Post,
            post=self,
            created=created,
            update_fields=update_fields,
            draw_card=draw_card,
        )

    def _redirect_moved_url(self, old_date: dt.date | None, old_slug: str) -> None:
        if old_date is None or (old_date, old_slug) == (self.url_date, self.slug):
            return
        if self.url_date is not None:
            Redirect.objects.filter(old_path=self.public_path).delete()
        Redirect.objects.update_or_create(
            old_path=url_logic.article_path(old_date, old_slug),
            defaults={"target_post": self, "target_path": ""},
        )


_IMAGE_TYPES = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "webp": "image/webp"}


def _absolute(url: str) -> str:
    # Storage URLs are relative for the local disk and absolute for object storage / a CDN;
    # social networks need absolute ones.
    if url.startswith(("http://", "https://")):
        return url
    if url.startswith("//"):
        return "https:" + url
    return settings.SITE_URL + url


class PostBook(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="book_links")
    book = models.ForeignKey(
        AffiliateBook, verbose_name="書籍", on_delete=models.PROTECT, related_name="post_links"
    )
    position = models.PositiveSmallIntegerField("順番", default=0)
    note = models.CharField("ひとこと", max_length=200, blank=True)

    class Meta:
        verbose_name = "記事の書籍"
        verbose_name_plural = "記事の書籍"
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["post", "book"],
                name="blog_postbook_unique",
                violation_error_message="同じ書籍が2回選ばれています。",
            )
        ]

    def __str__(self) -> str:
        return f"書籍「{self.book}」"


class RelatedPost(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="related_links")
    related = models.ForeignKey(
        Post, verbose_name="関連記事", on_delete=models.CASCADE, related_name="+"
    )
    position = models.PositiveSmallIntegerField("順番", default=0)

    class Meta:
        verbose_name = "関連記事"
        verbose_name_plural = "関連記事"
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["post", "related"],
                name="blog_relatedpost_unique",
                violation_error_message="同じ関連記事が2回選ばれています。",
            ),
            models.CheckConstraint(
                condition=~Q(post=F("related")),
                name="blog_relatedpost_not_self",
                violation_error_message="記事自身は関連記事にできません。",
            ),
        ]

    def __str__(self) -> str:
        return f"関連記事「{self.related.title}」"


class Redirect(models.Model):
    """A permanent redirect from a path the site used to serve (or that others link to)."""

    old_path = models.CharField(
        "旧パス",
        max_length=500,
        unique=True,
        help_text="/2025/08/29/old-slug/ のように / で始めます。",
    )
    target_post = models.ForeignKey(
        Post,
        verbose_name="転送先の記事",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="redirects",
    )
    target_path = models.CharField(
        "転送先パス", max_length=500, blank=True, validators=[validate_link_target]
    )
    created_at = models.DateTimeField("作成日時", auto_now_add=True)

    class Meta:
        verbose_name = "リダイレクト"
        verbose_name_plural = "リダイレクト"
        ordering = ["old_path"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target_post__isnull=False, target_path="")
                | Q(target_post__isnull=True) & ~Q(target_path=""),
                name="blog_redirect_one_target",
                violation_error_message="転送先は記事かパスのどちらか一方を指定してください。",
            )
        ]

    def __str__(self) -> str:
        return f"{self.old_path} → {self.target_path or self.target_post}"

    def clean(self) -> None:
        # Editors paste links from the browser bar, percent-encoded; requests arrive decoded.
        self.old_path = unquote(self.old_path.strip())
        if not self.old_path.startswith("/"):
            raise ValidationError({"old_path": "旧パスは / で始めてください。"})

    def destination(self) -> str | None:
        """Where to send the visitor now, or None when the target is not public."""
        if self.target_post_id is not None:
            post = self.target_post
            return post.get_absolute_url() if post.is_public() else None
        return self.target_path or None


class Page(models.Model):
    """A site page in Markdown at any path (/about/, /privacy/, /ad-policy/...)."""

    path = models.CharField(
        "パス",
        max_length=200,
        unique=True,
        validators=[
            RegexValidator(
                r"^/(?:[^/\s?#%<>\"']+/)+$",
                "パスは /about/ のように / で始めて / で終えます（空白・?・# などは使えません）。",
            ),
            validate_page_path,
        ],
        help_text="/about/ のように / で始めて / で終えます。",
    )
    title = models.CharField("タイトル", max_length=200)
    description = models.CharField("メタディスクリプション", max_length=300, blank=True)
    body = models.TextField("本文（Markdown）", blank=True)
    body_html = models.TextField("本文 HTML", blank=True, editable=False)
    is_published = models.BooleanField("公開する", default=True)
    noindex = models.BooleanField("検索エンジンに載せない", default=False)
    updated_at = models.DateTimeField("更新日時", auto_now=True)

    class Meta:
        verbose_name = "固定ページ"
        verbose_name_plural = "固定ページ"
        ordering = ["path"]

    def __str__(self) -> str:
        return f"{self.title}（{self.path}）"

    def save(self, *args, **kwargs) -> None:
        images = ArticleImage.objects.lookup_for(self.body)
        self.body_html = render_markdown(self.body, images=images).html
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return self.path


class ArticleImageQuerySet(models.QuerySet):
    def lookup_for(self, source: str) -> Callable[[str], ResponsiveImage | None] | None:
        """The renderer's image lookup for a body: one query, and none when the body has no
        uploaded image. An <img> whose src is the URL of an upload gets its renditions."""
        keys = set(UPLOAD_KEY_RE.findall(source or ""))
        if not keys:
            return None
        images = {image.key: image for image in self.filter(key__in=keys)}
        if not images:
            return None
        cache: dict[str, ResponsiveImage] = {}

        def lookup(src: str) -> ResponsiveImage | None:
            match = UPLOAD_KEY_RE.search(src)
            image = images.get(match.group(1)) if match else None
            if image is None or not src.endswith(image.original.name):
                return None
            if image.key not in cache:
                cache[image.key] = image.responsive()
            return cache[image.key]

        return lookup


class ArticleImage(models.Model):
    """An image uploaded for use in article bodies, stored through STORAGES["default"] with its
    renditions (`blog.images.store_upload`). Bodies refer to the original's URL in Markdown;
    rendering swaps in the renditions (`ArticleImage.objects.lookup_for`). Files are named by
    content, so they never change."""

    key = models.CharField("キー", max_length=20, unique=True, editable=False)
    original = models.FileField("元画像", max_length=200, editable=False)
    format = models.CharField("形式", max_length=10, editable=False)
    width = models.PositiveIntegerField("幅", editable=False)
    height = models.PositiveIntegerField("高さ", editable=False)
    size = models.PositiveIntegerField("バイト数", editable=False)
    renditions = models.JSONField(
        "リサイズ版", default=list, editable=False, help_text="[{width, height, format, name}]"
    )
    alt = models.CharField("代替テキスト（最初の挿入時）", max_length=300)
    post = models.ForeignKey(
        Post,
        verbose_name="アップロードした記事",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="uploaded_images",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="アップロードした人",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("アップロード日時", auto_now_add=True)

    objects = ArticleImageQuerySet.as_manager()

    class Meta:
        verbose_name = "本文の画像"
        verbose_name_plural = "本文の画像"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.alt}（{self.width}x{self.height}）"

    @property
    def url(self) -> str:
        return self.original.url

    def responsive(self) -> ResponsiveImage:
        """What the renderer needs to offer the image's renditions."""
        own = sorted(
            (r for r in self.renditions if r["format"] == self.format), key=lambda r: r["width"]
        )
        webp = sorted(
            (r for r in self.renditions if r["format"] == "WEBP"), key=lambda r: r["width"]
        )
        if self.format == "WEBP":
            webp = []  # the fallback is WebP already; one srcset says it all
        widest = own[-1] if own else None
        return ResponsiveImage(
            src=default_storage.url(widest["name"]) if widest else self.url,
            width=widest["width"] if widest else self.width,
            height=widest["height"] if widest else self.height,
            sources=tuple(ImageSource(default_storage.url(r["name"]), r["width"]) for r in own),
            webp=tuple(ImageSource(default_storage.url(r["name"]), r["width"]) for r in webp),
        )


class SearchDocumentManager(models.Manager):
    def write_for(self, post: Post, prerendered: PreRendered | None = None) -> None:
        """Write (or rewrite) the post's search document.

        One upsert (INSERT ... ON CONFLICT DO UPDATE, on both databases; SQLite's update
        trigger keeps FTS5 in step): update_or_create took six statements and two savepoints."""
        self.bulk_create(
            [SearchDocument.for_post(post, prerendered)],
            update_conflicts=True,
            unique_fields=["post"],
            update_fields=["title_tokens", "tokens"],
        )


class SearchDocument(models.Model):
    """A post's search tokens (CJK bigrams and words, see blog/logic/search_tokens.py).

    The database indexes them: PostgreSQL through a generated tsvector column with a GIN index,
    SQLite through an FTS5 table kept in sync by triggers (both created in migration 0002).
    `Post.save()` writes a post's row (`SearchDocument.objects.write_for`); `blog.search`
    answers queries and rebuilds the index in bulk.
    """

    post = models.OneToOneField(
        Post, on_delete=models.CASCADE, primary_key=True, related_name="search_document"
    )
    title_tokens = models.TextField(blank=True)
    tokens = models.TextField(blank=True)

    objects = SearchDocumentManager()

    class Meta:
        verbose_name = "検索インデックス"
        verbose_name_plural = "検索インデックス"
        default_permissions = ()

    def __str__(self) -> str:
        return str(self.post_id)

    @classmethod
    def for_post(cls, post: Post, prerendered: PreRendered | None = None) -> "SearchDocument":
        """The post's document (unsaved); `prerendered` tokens are used if they are the ones
        of the post's texts."""
        pre = prerendered
        if pre is not None and pre.indexes(post.title, post.excerpt, post.body_text):
            title_tokens, tokens = pre.title_tokens, pre.tokens  # tokenised by an import worker
        else:
            title_tokens, tokens = index_tokens(post.title, post.excerpt, post.body_text)
        return cls(post_id=post.pk, title_tokens=title_tokens, tokens=tokens)
