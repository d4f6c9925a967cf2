"""Run the quality checks over many posts, or apply their safe fixes in bulk.

python manage.py check_posts --status published
python manage.py check_posts --format json > quality.json
python manage.py check_posts --fail-on warning          # CI-style exit status
python manage.py check_posts --fix repetition,leftover.end_marker --dry-run
python manage.py check_posts --fix repetition --user chief
"""

import json
import os
import sys
from collections import Counter

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from blog.models import Post, PostStatus
from editorial.logic.checks import CODES, code_info, describe, matches_codes
from editorial.logic.draft import ERROR, INFO, SEVERITY_LABELS, SEVERITY_RANK, WARNING
from editorial.quality import checking
from editorial.quality.checking import BULK_FIX_CODES

PARALLEL_FROM = 200

_FAIL_LEVELS = {"error": {ERROR}, "warning": {ERROR, WARNING}, "never": set()}
_SHOWN = {0: set(), 1: {ERROR, WARNING}, 2: {ERROR, WARNING, INFO}, 3: {ERROR, WARNING, INFO}}


class Command(BaseCommand):
    help = "記事の品質チェックを実行し、結果を表示します（--fix で安全な自動修正を一括適用）。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--status",
            help="対象の状態（カンマ区切り）: "
            + ", ".join(PostStatus.values)
            + "。省略時はすべて。",
        )
        parser.add_argument("--format", choices=["text", "json"], default="text")
        parser.add_argument(
            "--fail-on",
            choices=sorted(_FAIL_LEVELS),
            default="error",
            help="この重要度以上の指摘があれば終了コード 1（既定: error）。",
        )
        parser.add_argument(
            "--fix",
            metavar="CODE[,CODE...]",
            help="安全な自動修正を適用するチェック（repetition のように分類名でも可）: "
            + ", ".join(BULK_FIX_CODES),
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="--fix の内容を表示するだけで保存しない。"
        )
        parser.add_argument("--user", help="--fix の修正を記録するユーザー名（必須）。")
        parser.add_argument(
            "--jobs",
            type=int,
            default=os.cpu_count() or 1,
            help="チェックを並列に実行するプロセス数（既定: CPU コア数。200件未満は1）。",
        )
        parser.add_argument(
            "--no-store",
            action="store_true",
            help="結果を保存しない（品質チェックのページは更新されません）。",
        )

    def handle(self, *args, **options):
        queryset = self._queryset(options["status"])
        if options["fix"]:
            return self._fix(queryset, options)
        return self._check(queryset, options)

    def _queryset(self, status):
        queryset = Post.objects.order_by("pk")
        if status:
            wanted = [s.strip() for s in status.split(",") if s.strip()]
            unknown = sorted(set(wanted) - set(PostStatus.values))
            if unknown:
                allowed = ", ".join(PostStatus.values)
                raise CommandError(f"不明な状態です: {', '.join(unknown)}（使えるのは {allowed}）")
            queryset = queryset.filter(status__in=wanted)
        return queryset

    # --- checking ---------------------------------------------------------------------------

    def _check(self, queryset, options):
        total = queryset.count()
        verbosity = options["verbosity"]
        as_json = options["format"] == "json"
        progress = self._progress(total, enabled=verbosity > 0)
        totals: dict[str, Counter] = {}
        by_severity = Counter()
        posts_out = []
        failed = 0
        fail_levels = _FAIL_LEVELS[options["fail_on"]]
        checked = 0
        self._config = checking.load_config()
        # Worker processes take about a second to start: worth it only for many posts.
        jobs = max(1, options["jobs"]) if total >= PARALLEL_FROM else 1
        for post, findings in checking.check_posts(
            queryset, config=self._config, store=not options["no_store"], jobs=jobs
        ):
            checked += 1
            progress(checked)
            severities = {f.severity for f in findings}
            by_severity.update(severities)
            if severities & fail_levels:
                failed += 1
            for code, count in Counter(f.code for f in findings).items():
                row = totals.setdefault(code, Counter())
                row["posts"] += 1
                row["findings"] += count
            if as_json:
                posts_out.append(
                    {
                        "id": post.pk,
                        "url": post.public_path,
                        "title": post.title,
                        "status": post.status,
                        "findings": [
                            {
                                "code": f.code,
                                "severity": f.severity,
                                "message": f.message,
                                "field": f.field,
                                "line": f.line,
                            }
                            for f in findings
                        ],
                    }
                )
            else:
                self._print_post(post, findings, verbosity)
        progress(None)
        if as_json:
            document = {
                "posts": posts_out,
                "totals": {
                    code: {
                        "label": describe(code, self._config).label,
                        "severity": self._severity(code),
                        "posts": row["posts"],
                        "findings": row["findings"],
                    }
                    for code, row in sorted(totals.items())
                },
                "summary": {
                    "checked": checked,
                    "with_errors": by_severity[ERROR],
                    "with_warnings": by_severity[WARNING],
                    "failed": failed,
                },
            }
            self.stdout.write(json.dumps(document, ensure_ascii=False, indent=1))
        elif verbosity > 0:
            self._print_summary(totals, checked, by_severity)
        if failed:
            raise CommandError(
                f"{failed}件の記事に「{options['fail_on']}」以上の指摘があります。", returncode=1
            )

    def _severity(self, code):
        return describe(code, self._config).severity

    def _print_post(self, post, findings, verbosity):
        shown = [f for f in findings if f.severity in _SHOWN.get(verbosity, _SHOWN[2])]
        if not shown:
            return
        where = post.public_path or f"id={post.pk}"
        self.stdout.write(f"{post.title}  {where}  [{post.get_status_display()}]")
        for f in shown:
            line = f"{f.line}行目 " if f.line and not f.message.startswith(f"{f.line}行目") else ""
            label = SEVERITY_LABELS[f.severity]
            self.stdout.write(f"  {label:　<3} {f.code}  {line}{f.message}")

    def _print_summary(self, totals, checked, by_severity):
        self.stdout.write("")
        self.stdout.write(f"{'重要度':　<4} {'件数':>6} {'記事数':>6}  チェック")
        rows = sorted(
            totals.items(),
            key=lambda kv: (
                SEVERITY_RANK.get(self._severity(kv[0]), 9),
                -kv[1]["posts"],
                kv[0],
            ),
        )
        for code, row in rows:
            severity = self._severity(code)
            self.stdout.write(
                f"{SEVERITY_LABELS.get(severity, severity):　<4} {row['findings']:>6} "
                f"{row['posts']:>6}  {code}（{describe(code, self._config).label}）"
            )
        self.stdout.write(
            f"\n{checked}件をチェック: エラーのある記事 {by_severity[ERROR]}件、"
            f"警告のある記事 {by_severity[WARNING]}件"
        )

    def _progress(self, total, *, enabled):
        stream = sys.stderr
        if not (enabled and total and stream.isatty()):
            return lambda done: None

        def report(done):
            if done is None:
                stream.write("\r" + " " * 40 + "\r")
            elif done == total or done % 25 == 0:
                stream.write(f"\rチェック中 {done}/{total}")
            stream.flush()

        return report

    # --- fixing -------------------------------------------------------------------------------

    def _fix(self, queryset, options):
        codes = [c.strip() for c in options["fix"].split(",") if c.strip()]
        fixable = [c for c in BULK_FIX_CODES if matches_codes(c, codes)]
        unknown = [c for c in codes if not any(matches_codes(k, [c]) for k in BULK_FIX_CODES)]
        if unknown:
            known = [c for c in unknown if any(matches_codes(k, [c]) for k in CODES)]
            hint = (
                f"（{', '.join(known)} には一括で適用できる安全な修正がありません）"
                if known
                else ""
            )
            raise CommandError(
                f"一括修正できないチェックです: {', '.join(unknown)}{hint}。"
                f"使えるのは {', '.join(BULK_FIX_CODES)} です。"
            )
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"ユーザー「{options['user']}」が見つかりません。")
        elif not options["dry_run"]:
            raise CommandError(
                "修正を記録するユーザーを --user で指定してください（または --dry-run）。"
            )
        total = queryset.count()
        progress = self._progress(total, enabled=options["verbosity"] > 0)
        report = checking.fix_posts(
            queryset,
            fixable,
            by=user,
            dry_run=options["dry_run"],
            samples=3 if options["dry_run"] else 0,
            progress=progress,
        )
        progress(None)
        verb = "修正対象" if options["dry_run"] else "修正済み"
        self.stdout.write(f"{report.checked}件をチェックし、{report.changed}件が{verb}です。")
        for code, count in sorted(report.counts.items(), key=lambda kv: -kv[1]):
            self.stdout.write(f"  {code}（{code_info(code).label}）: {count}か所")
        for post, diff in report.samples:
            self.stdout.write(f"\n--- {post.title}（id={post.pk}）")
            self.stdout.write(diff)
        if options["dry_run"]:
            self.stdout.write("\n--dry-run のため保存していません。")
        if report.errors:
            raise CommandError("\n".join(report.errors), returncode=1)
