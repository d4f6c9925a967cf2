from django.core.management.base import BaseCommand

from editorial.demo import CREDENTIALS_FILE, seed_demo


class Command(BaseCommand):
    help = (
        "デモ用のカテゴリ・著者・書籍・記事・役割ごとのユーザーを作成します（何度実行しても安全）。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-logins",
            action="store_true",
            help="作成したログインを表示しません（make run は最後にまとめて表示します）。",
        )

    def handle(self, *args, **options):
        report = seed_demo()
        if options["verbosity"] >= 1:
            summary = "、".join(f"{what} {n}件" for what, n in report.created.items())
            self.stdout.write(self.style.SUCCESS(f"デモデータ: 新規作成 {summary}"))
            if report.checked:
                self.stdout.write(f"  品質チェック: {report.checked}件の記事をチェックしました。")
            if options["no_logins"]:
                return
            for username, password, role in report.new_credentials:
                self.stdout.write(f"  ログイン: {username} / {password}（{role}）")
            if report.new_credentials:
                self.stdout.write(f"  パスワードは {CREDENTIALS_FILE} にも保存しました。")
