from django.apps import AppConfig
from django.db.models.signals import post_save


class BlogConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "blog"
    verbose_name = "記事"

    def ready(self) -> None:
        from blog import ogp_cards
        from blog.cache import connect_signals

        post_save.connect(ogp_cards.on_post_saved, sender="blog.Post", dispatch_uid="ogp_card")
        connect_signals()
