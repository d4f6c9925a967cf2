from django.apps import AppConfig
from django.db.models.signals import post_save


class BlogConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "blog"
    verbose_name = "記事"

    def ready(self):
        from blog import ogp_cards

        post_save.connect(ogp_cards.on_post_saved, sender="blog.Post", dispatch_uid="ogp_card")
