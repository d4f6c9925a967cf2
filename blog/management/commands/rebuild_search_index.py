"""Rebuild the search index from every post (after a bulk import that bypassed save())."""

from django.core.management.base import BaseCommand

from blog import search


class Command(BaseCommand):
    help = "検索インデックスを全記事から作り直します（一括インポートの後などに）。"

    def handle(self, *args, **options):
        count = search.rebuild()
        if options["verbosity"]:
            self.stdout.write(
                self.style.SUCCESS(f"{count}件の記事を検索インデックスに登録しました。")
            )
