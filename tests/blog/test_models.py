import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from blog.models import AffiliateBook, CallToAction, Post, Redirect, StalePostError
from blog.views.common import call_to_action_for
from tests.factories import make_author, make_category, make_post

pytestmark = pytest.mark.django_db

UTC = dt.UTC


def test_published_includes_only_published_posts_whose_time_has_come():
    now = timezone.now()
    past = make_post(published_at=now - dt.timedelta(hours=1))
    make_post(status=Post.Status.PUBLISHED, published_at=now + dt.timedelta(hours=1))
    make_post(status=Post.Status.DRAFT, published_at=None)
    make_post(status=Post.Status.APPROVED, published_at=None)
    unpublished = make_post()
    unpublished.status = Post.Status.UNPUBLISHED
    unpublished.save()
    assert list(Post.objects.published(now=now)) == [past]


def test_scheduled_is_published_status_with_a_publication_time_still_ahead():
    now = timezone.now()
    ahead = make_post(status=Post.Status.PUBLISHED, published_at=now + dt.timedelta(hours=1))
    make_post(published_at=now - dt.timedelta(hours=1))  # live already
    make_post(status=Post.Status.APPROVED, published_at=now + dt.timedelta(hours=2))
    assert list(Post.objects.scheduled(now=now)) == [ahead]
    assert not Post.objects.scheduled(now=ahead.published_at).exists()


def test_scheduled_post_becomes_public_at_its_time_without_any_job():
    at = timezone.now() + dt.timedelta(days=2)
    post = make_post(published_at=at)
    assert not Post.objects.published().filter(pk=post.pk).exists()
    assert Post.objects.published(now=at).filter(pk=post.pk).exists()


def test_url_uses_the_tokyo_date_of_publication():
    post = make_post(slug="tokyo-date", published_at=dt.datetime(2025, 8, 29, 17, 25, tzinfo=UTC))
    assert post.url_date == dt.date(2025, 8, 30)
    assert post.get_absolute_url() == "/2025/08/30/tokyo-date/"


def test_url_is_fixed_at_first_publication_and_later_date_edits_do_not_move_it():
    post = make_post(published_at=dt.datetime(2025, 1, 10, 3, 0, tzinfo=UTC))
    post.published_at = dt.datetime(2025, 3, 1, 3, 0, tzinfo=UTC)
    post.save()
    assert post.url_date == dt.date(2025, 1, 10)


def test_draft_has_no_url_yet():
    post = make_post(status=Post.Status.DRAFT, published_at=None)
    assert post.url_date is None and post.public_path is None
    with pytest.raises(ValueError):
        post.get_absolute_url()


def test_non_ascii_and_digit_leading_slugs_are_kept():
    post = make_post(slug="08-マルチモータルaiのevolution")
    assert post.get_absolute_url().endswith(
        "/08-%E3%83%9E%E3%83%AB%E3%83%81%E3%83%A2%E3%83%BC%E3%82%BF%E3%83%ABai%E3%81%AEevolution/"
    )
    post.full_clean()


@pytest.mark.parametrize("slug", ["a b", "a/b", "a?b", "", "-lead", "trail-", "100%"])
def test_unsafe_slugs_are_refused_with_a_reason(slug):
    post = make_post(status=Post.Status.DRAFT, published_at=None)
    post.slug = slug
    with pytest.raises(ValidationError) as exc:
        post.full_clean()
    assert "slug" in exc.value.message_dict


def test_two_posts_may_not_share_a_url():
    when = dt.datetime(2025, 5, 1, 1, 0, tzinfo=UTC)
    make_post(slug="same", published_at=when)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_post(slug="same", published_at=when + dt.timedelta(hours=2))


def test_url_clash_is_a_clear_validation_error_before_saving():
    when = dt.datetime(2025, 5, 1, 1, 0, tzinfo=UTC)
    first = make_post(slug="same", published_at=when)
    second = make_post(slug="other", published_at=when)
    second.slug = "same"
    with pytest.raises(ValidationError) as exc:
        second.full_clean()
    assert first.title in exc.value.message_dict["slug"][0]
    assert "/2025/05/01/same/" in exc.value.message_dict["slug"][0]


def test_published_status_requires_a_publication_time():
    post = make_post(status=Post.Status.DRAFT, published_at=None)
    post.status = Post.Status.PUBLISHED
    with pytest.raises(ValidationError) as exc:
        post.full_clean()
    assert "published_at" in exc.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        Post.objects.filter(pk=post.pk).update(status=Post.Status.PUBLISHED)


def test_stale_save_is_refused_and_the_newer_text_survives():
    post = make_post(body="最初の本文")
    mine = Post.objects.get(pk=post.pk)
    theirs = Post.objects.get(pk=post.pk)
    theirs.body = "先に保存された本文"
    theirs.save()
    mine.body = "後から保存しようとした本文"
    with pytest.raises(StalePostError):
        mine.save()
    assert Post.objects.get(pk=post.pk).body == "先に保存された本文"
    assert mine.body == "後から保存しようとした本文"


def test_each_save_bumps_the_version():
    post = make_post()
    first = post.version
    post.save()
    post.save()
    assert Post.objects.get(pk=post.pk).version == first + 2


def test_save_renders_body_toc_text_and_reading_time():
    body = "## はじめに\n\n" + "あ" * 1200 + "\n\n## 仕組み\n\n本文\n\n## まとめ\n\n終わり"
    post = make_post(body=body)
    assert "<h2" in post.body_html
    assert [entry["title"] for entry in post.toc] == ["はじめに", "仕組み", "まとめ"]
    assert "<" not in post.body_text
    assert post.reading_time == 3
    post.reading_time_override = 9
    assert post.reading_minutes == 9


def test_changing_a_published_url_creates_a_redirect_from_the_old_one():
    post = make_post(slug="old-slug", published_at=dt.datetime(2025, 6, 1, 1, tzinfo=UTC))
    post.slug = "new-slug"
    post.save()
    redirect = Redirect.objects.get(old_path="/2025/06/01/old-slug/")
    assert redirect.destination() == "/2025/06/01/new-slug/"


def test_moving_a_url_back_removes_the_redirect_that_would_loop():
    post = make_post(slug="a", published_at=dt.datetime(2025, 6, 1, 1, tzinfo=UTC))
    post.slug = "b"
    post.save()
    post.slug = "a"
    post.save()
    assert list(Redirect.objects.values_list("old_path", flat=True)) == ["/2025/06/01/b/"]


def test_draft_slug_edits_create_no_redirect():
    post = make_post(status=Post.Status.DRAFT, published_at=None, slug="x")
    post.slug = "y"
    post.save()
    assert not Redirect.objects.exists()


def test_japanese_tag_keeps_a_unicode_slug_and_finds_its_posts():
    post = make_post(tags=["生成AI", "機械学習"])
    make_post(tags=["LLM"])
    slugs = set(post.tags.values_list("slug", flat=True))
    assert slugs == {"生成ai", "機械学習"}
    assert list(Post.objects.published().with_tag("機械学習")) == [post]


def test_cards_load_in_one_query_without_bodies(django_assert_num_queries):
    for _ in range(5):
        make_post(tags=["LLM", "RAG"])
    with django_assert_num_queries(1):
        rows = list(Post.objects.published().for_cards())
        cards = [(p.title, p.category.name, p.published_at) for p in rows]
    assert len(cards) == 5
    assert {"body", "body_html", "body_text"} <= rows[0].get_deferred_fields()


@pytest.mark.parametrize(
    "asin,ok",
    [
        ("4798181986", True),
        ("479818198X", False),
        ("4798181987", False),
        ("080442957X", True),
        ("B0CXYZ1234", True),
        ("b0cxyz1234", True),
        ("B0CXYZ123", False),
        ("B0-XYZ1234", False),
        ("1A34567890", False),
    ],
)
def test_asin_validation(asin, ok):
    book = AffiliateBook(title="本", asin=asin)
    if ok:
        book.full_clean()
        assert book.asin == asin.upper()
    else:
        with pytest.raises(ValidationError) as exc:
            book.full_clean()
        assert "asin" in exc.value.message_dict


def test_amazon_url_is_built_from_asin_and_the_current_tag(settings):
    book = AffiliateBook(title="本", asin="4798181986")
    settings.AMAZON_ASSOCIATE_TAG = "kosei-22"
    assert book.amazon_url == "https://www.amazon.co.jp/dp/4798181986/?tag=kosei-22"
    settings.AMAZON_ASSOCIATE_TAG = "other-22"
    assert book.amazon_url.endswith("?tag=other-22")


def test_category_cta_wins_over_the_site_default():
    news, tech = make_category(), make_category()
    CallToAction.objects.create(heading="既定", text="t", link_label="l", url="/contact/")
    CallToAction.objects.create(
        category=news, heading="ニュース", text="t", link_label="l", url="/services/?utm_source=x"
    )
    CallToAction.objects.create(
        category=tech, heading="停止中", text="t", link_label="l", url="/x/", is_active=False
    )
    assert call_to_action_for(news.pk)["heading"] == "ニュース"
    assert call_to_action_for(tech.pk)["heading"] == "既定"
    assert call_to_action_for(None)["heading"] == "既定"


def test_cta_url_must_be_a_site_path_or_http_url():
    cta = CallToAction(heading="h", text="t", link_label="l", url="javascript:alert(1)")
    with pytest.raises(ValidationError) as exc:
        cta.full_clean()
    assert "url" in exc.value.message_dict


def test_aware_tokyo_times_round_trip():
    when = dt.datetime(2026, 2, 24, 10, 53, tzinfo=ZoneInfo("Asia/Tokyo"))
    post = make_post(published_at=when, author=make_author())
    assert Post.objects.get(pk=post.pk).published_at == when
