from django.apps import AppConfig


class BlogConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "blog"
    verbose_name = "記事"

    def ready(self) -> None:
        from blog.cache import connect_signals

        connect_signals()
