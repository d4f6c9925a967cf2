from django.apps import AppConfig


class BlogConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "blog"
    verbose_name = "記事"

    def ready(self) -> None:
        from blog.cache import connect_signals
        from blog.models import Post
        from blog.ogp import cards
        from blog.signals import post_saved, post_went_live

        # The card first: the page cache is invalidated after it (connect_signals).
        post_saved.connect(cards.on_post_saved, sender=Post, dispatch_uid="ogp_card")
        post_went_live.connect(cards.on_post_went_live, dispatch_uid="ogp_card_go_live")
        connect_signals()
