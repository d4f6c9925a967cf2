from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from blog.logic import ogp
from blog.ogp import cards
from blog.ogp.gallery import draw_gallery


class Command(BaseCommand):
    help = (
        "難しいタイトル（旧サイトのサンプル記事、長いタイトル、括弧、英字、長いモデル名など）の "
        "OGP カードを OUTDIR に描き、目で確かめるための index.html を添えます。"
    )

    def add_arguments(self, parser):
        parser.add_argument("outdir", type=Path)

    def handle(self, *args, **options):
        try:
            font = cards.site_font()
        except ogp.OgpFontError as exc:
            raise CommandError(str(exc)) from exc
        entries = draw_gallery(
            options["outdir"], font, site_name=cards.site_label(), domain=settings.OGP_DOMAIN
        )
        for entry in entries:
            layout = entry.card.layout
            if options["verbosity"] >= 2:
                self.stdout.write(f"{entry.file}: {' / '.join(layout.lines)}")
            for warning in entry.card.warnings:
                self.stdout.write(f"{entry.file}: {warning}")
        mean = sum(e.milliseconds for e in entries) / len(entries)
        largest = max(len(e.card.png) for e in entries)
        self.stdout.write(
            f"{len(entries)} 枚を {options['outdir']} に描きました（平均 {mean:.0f} ms、"
            f"最大 {largest // 1024} KB）。{options['outdir'] / 'index.html'} を開いて"
            "確認してください。"
        )
