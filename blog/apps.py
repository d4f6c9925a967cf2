from django.apps import AppConfig
from django.db.models.signals import post_save


class BlogConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "blog"
    verbose_name = "記事"

    def ready(self) -> None:
        from blog import ogp_cards
        from blog.cache import connect_signals
        from blog.signals import post_went_live

        post_save.connect(ogp_cards.on_post_saved, sender="blog.Post", dispatch_uid="ogp_card")
        post_went_live.connect(ogp_cards.on_post_went_live, dispatch_uid="ogp_card_go_live")
        connect_signals()
