import os
import time

from django.core.management.base import BaseCommand, CommandError

from blog.logic import ogp
from blog.models import Post
from blog.ogp import cards


class Command(BaseCommand):
    help = (
        "記事の OGP カード（SNS 用画像）を描いて保存します。既定はカードがない記事と、"
        "タイトル・カテゴリ・著者・デザインが変わって古くなった記事だけです。"
    )

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group()
        which.add_argument(
            "--missing",
            action="store_true",
            help="カードがない、または古い記事だけ描く（既定）。",
        )
        which.add_argument("--all", action="store_true", help="すべての記事を描き直す。")
        which.add_argument(
            "--post",
            type=int,
            action="append",
            metavar="ID",
            help="この ID の記事を描き直す（繰り返し指定可）。",
        )
        parser.add_argument(
            "--jobs",
            type=int,
            default=os.cpu_count() or 1,
            help="並列に描くプロセス数（既定: CPU コア数）。",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="描く件数を数えるだけで何も保存しない。"
        )

    def handle(self, *args, **options):
        only_stale = not (options["all"] or options["post"])
        jobs = max(1, options["jobs"])
        try:
            if options["dry_run"]:
                planned, _, unchanged = cards.plan(only_stale=only_stale, post_ids=options["post"])
                self.stdout.write(f"描く予定: {len(planned)} 件（最新のまま: {unchanged} 件）")
                return
            progress = _Progress(self.stderr) if options["verbosity"] >= 1 else None
            summary = cards.generate_many(
                only_stale=only_stale,
                post_ids=options["post"],
                processes=jobs,
                progress=progress,
            )
        except ogp.OgpFontError as exc:
            raise CommandError(str(exc)) from exc
        if options["post"]:
            found = Post.objects.filter(pk__in=options["post"]).values_list("pk", flat=True)
            missing = set(options["post"]) - set(found)
            if missing:
                raise CommandError(f"記事が見つかりません: ID {sorted(missing)}")
        self.stdout.write(
            f"描いた: {summary.drawn} 件、最新のまま: {summary.unchanged} 件、"
            f"途中で編集されたため省略: {summary.edited_meanwhile} 件、"
            f"失敗: {len(summary.failed)} 件（{summary.seconds:.1f} 秒、"
            f"{summary.per_second:.1f} 枚/秒、{jobs} プロセス）"
        )
        if summary.truncated:
            ids = ", ".join(str(pk) for pk in summary.truncated[:20])
            more = " ほか" if len(summary.truncated) > 20 else ""
            self.stdout.write(
                f"タイトルを「…」で省略した記事: {len(summary.truncated)} 件（ID {ids}{more}）"
            )
        for pk, error in summary.failed:
            self.stderr.write(f"記事 {pk}: {error}")
        if summary.failed:
            raise CommandError(f"{len(summary.failed)} 件のカードを描けませんでした。")


class _Progress:
    """A one-line progress bar on a terminal; a line every 10% when the output is a log."""

    def __init__(self, stream):
        self.stream = stream
        self.started = time.perf_counter()
        self.tty = stream.isatty()
        self.last_tenth = -1

    def __call__(self, done: int, total: int) -> None:
        if not total:
            return
        share = done / total
        rate = done / max(time.perf_counter() - self.started, 1e-9)
        bar = "#" * int(share * 30)
        line = f"[{bar:<30}] {done}/{total} {share:4.0%} {rate:.1f} 枚/秒"
        if self.tty:
            self.stream.write("\r" + line, ending="\n" if done == total else "")
            self.stream.flush()
        elif int(share * 10) != self.last_tenth:
            self.last_tenth = int(share * 10)
            self.stream.write(line)
