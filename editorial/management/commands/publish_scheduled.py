from django.core.management.base import BaseCommand
from django.utils import timezone

from editorial.workflow import run_due_go_lives


class Command(BaseCommand):
    help = (
        "予約時刻を過ぎた記事の公開時の処理（キャッシュ更新・通知・OGP）を1回だけ実行します。"
        "cron などで毎分実行してください。"
    )

    def handle(self, *args, **options):
        posts = run_due_go_lives()
        if options["verbosity"] >= 1:
            for post in posts:
                local = timezone.localtime(post.published_at)
                self.stdout.write(
                    f"公開: {post.title}（{local:%Y-%m-%d %H:%M} JST）{post.public_path}"
                )
            self.stdout.write(self.style.SUCCESS(f"予約公開の処理: {len(posts)}件"))
