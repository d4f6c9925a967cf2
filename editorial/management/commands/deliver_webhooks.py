from django.core.management.base import BaseCommand, CommandError

from editorial.webhooks import deliver_due


class Command(BaseCommand):
    help = (
        "送信待ち・再送待ちの Webhook を送ります（失敗したものは間隔を空けて再送し、"
        "上限回数で打ち切ります）。cron などで毎分実行してください。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=500, help="1回で送る上限（既定 500）")

    def handle(self, *args, **options):
        summary = deliver_due(limit=options["limit"])
        if options["verbosity"] >= 1:
            self.stdout.write(
                f"Webhook: 成功 {summary.succeeded}件・再送待ち {summary.retrying}件・"
                f"打ち切り {summary.failed}件"
            )
        if summary.failed:
            raise CommandError(f"{summary.failed}件の Webhook を再送の上限で打ち切りました。")
