"""`manage.py import_jekyll SITE_DIR`: the old site into posts (work done in blog.importing)."""

import json
import os
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from blog.importing.report import COUNT_LABELS, ERROR, INFO, WARNING, ImportAborted
from blog.importing.run import import_jekyll_site


class Command(BaseCommand):
    help = (
        "Jekyll サイト（_config.yml と _posts/）の記事を取り込みます。旧サイトの URL を保ち、"
        "フッターの関連記事・CTA・書籍をデータにします。何度実行しても同じ結果になり、"
        "取り込み後に編集された記事は上書きしません。"
    )

    def add_arguments(self, parser):
        parser.add_argument("site_dir", help="Jekyll サイトのフォルダ（_posts/ を含む）")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="何も書き込まずに、実際に取り込んだ場合と同じレポートを出します。",
        )
        parser.add_argument(
            "--status",
            choices=["draft", "published"],
            default="draft",
            help="新しく作る記事の状態（既定: draft）。旧サイトの移行では published を指定します。"
            "すでに取り込んだ記事の状態は変えません（公開・非公開はワークフローで管理します）。",
        )
        parser.add_argument("--report", metavar="FILE.json", help="レポートを JSON で保存します。")
        parser.add_argument(
            "--limit", type=int, metavar="N", help="ファイル名順で最初の N 件だけ取り込みます。"
        )
        parser.add_argument(
            "--jobs",
            type=int,
            default=os.cpu_count() or 1,
            help="本文の変換を並列に行うプロセス数（既定: CPU コア数。200件未満は使いません）。",
        )

    def handle(self, *args, site_dir, dry_run, status, report, limit, jobs, verbosity, **options):
        if limit is not None and limit < 0:
            raise CommandError("--limit には 0 以上の数を指定してください。")
        if jobs < 1:
            raise CommandError("--jobs には 1 以上の数を指定してください。")
        path = Path(site_dir)
        if not path.is_dir():
            raise CommandError(f"{site_dir} はフォルダではありません。")
        show_progress = verbosity >= 1 and sys.stderr.isatty()
        try:
            result = import_jekyll_site(
                path,
                status=status,
                dry_run=dry_run,
                limit=limit,
                progress=self._progress if show_progress else None,
                jobs=jobs,
            )
        except ImportAborted as exc:
            raise CommandError(str(exc)) from None
        if show_progress:
            self.stderr.write("")

        shown_levels = {ERROR, WARNING} | ({INFO} if verbosity >= 2 else set())
        if verbosity >= 1:
            for problem in result.problems:
                if problem.level in shown_levels:
                    style = self.style.ERROR if problem.level == ERROR else self.style.WARNING
                    self.stdout.write(style(problem.format()))
        if verbosity >= 1 or result.has_failures:
            title = (
                "取り込み結果（ドライラン: 何も書き込んでいません）" if dry_run else "取り込み結果"
            )
            self.stdout.write(self.style.MIGRATE_HEADING(title))
            for key, label in COUNT_LABELS.items():
                self.stdout.write(f"  {label}: {result.counts[key]}")
            hidden = sum(1 for p in result.problems if p.level == INFO)
            if hidden and verbosity < 2:
                self.stdout.write(f"  （ほかに情報 {hidden} 件。-v 2 で表示、--report で保存）")

        if report:
            Path(report).write_text(
                json.dumps(result.as_dict(), ensure_ascii=False, indent=2, default=str) + "\n",
                encoding="utf-8",
            )
            if verbosity >= 1:
                self.stdout.write(f"レポートを {report} に保存しました。")
        if result.has_failures:
            raise CommandError(
                f"{result.counts['failed']} 件のファイルを取り込めませんでした"
                "（上の「失敗」を参照）。",
                returncode=1,
            )

    def _progress(self, done: int, total: int) -> None:
        self.stderr.write(f"\r取り込み中 {done}/{total}", ending="")
        self.stderr.flush()
