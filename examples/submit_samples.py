"""Submit the old site's sample posts through the draft API, as the AI pipeline would.

    python examples/submit_samples.py                       # in-process, throwaway database
    python examples/submit_samples.py --url http://127.0.0.1:8000 --token kosei_...

Each file of `<repo>/../shared/samples/jekyll-site/_posts` (or $KOSEI_SHARED_DIR/samples/...)
is sent whole (`"format": "jekyll"`, the file name as `external_id`), then sent again to show
that a retry changes nothing. Prints, per file, the draft's id, the result, the quality-gate
findings by severity and the warnings, then a summary.

Without --url the script migrates a temporary SQLite database, creates the site's categories,
the default byline, a writer and a token, and talks to the API through Django's test client:
nothing else is touched. With --url it talks HTTP to a running server (`make run`), using a
token made in the admin (/admin/editorial/apitoken/add/), and waits out 429 responses.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def samples_dir() -> Path:
    shared = Path(os.environ.get("KOSEI_SHARED_DIR") or ROOT.parent / "shared")
    return shared / "samples" / "jekyll-site" / "_posts"


class HttpApi:
    def __init__(self, base: str, token: str):
        self.base = base.rstrip("/")
        self.token = token

    def post(self, path: str, data: dict) -> tuple[int, dict]:
        body = json.dumps(data, ensure_ascii=False).encode()
        while True:
            request = urllib.request.Request(
                self.base + path,
                data=body,
                method="POST",
                headers={
                    "Authorization": f"Bearer {self.token}",
                    "Content-Type": "application/json",
                },
            )
            try:
                with urllib.request.urlopen(request, timeout=60) as response:
                    return response.status, json.loads(response.read())
            except urllib.error.HTTPError as exc:
                if exc.code == 429:
                    wait = int(exc.headers.get("Retry-After", "5"))
                    print(f"  (429: {wait} 秒待って再送します)", file=sys.stderr)
                    time.sleep(wait)
                    continue
                return exc.code, json.loads(exc.read() or b"{}")


class InProcessApi:
    """A throwaway database and Django's test client."""

    def __init__(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="kosei-samples-")
        os.environ.update(
            {
                "DJANGO_DEBUG": "1",
                "DATABASE_URL": f"sqlite:///{self.tmp.name}/db.sqlite3",
                "MEDIA_ROOT": f"{self.tmp.name}/media",
                "OGP_CARDS_ON_SAVE": "0",
                "API_RATE_LIMIT_PER_MINUTE": "100000",
                "DJANGO_LOG_LEVEL": "ERROR",
            }
        )
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        from django.contrib.auth.models import Group
        from django.core.management import call_command
        from django.test import Client

        from blog.logic.site_facts import SITE_CATEGORIES
        from blog.models import Author, Category
        from editorial import roles
        from editorial.models import ApiToken

        call_command("migrate", verbosity=0)
        for info in SITE_CATEGORIES:
            Category.objects.get_or_create(
                slug=info.slug, defaults={"name": info.name, "order": info.order}
            )
        Author.objects.get_or_create(slug="editorial", defaults={"name": "ALLFORCES編集部"})
        from django.contrib.auth import get_user_model

        writer = get_user_model().objects.create_user("pipeline", is_staff=True)
        writer.groups.add(Group.objects.get(name=roles.WRITER))
        _, self.token = ApiToken.objects.create_token(user=writer, name="サンプル投入")
        self.client = Client(HTTP_HOST="127.0.0.1")

    def post(self, path: str, data: dict) -> tuple[int, dict]:
        response = self.client.post(
            path,
            json.dumps(data, ensure_ascii=False),
            content_type="application/json",
            headers={"Authorization": f"Bearer {self.token}"},
        )
        return response.status_code, response.json()


def submit_all(api, files: list[Path]) -> tuple[list[dict], Counter]:
    rows, results = [], Counter()
    for path in files:
        started = time.perf_counter()
        status, data = api.post(
            "/api/v1/drafts",
            {"external_id": path.name, "format": "jekyll", "body": path.read_text("utf-8")},
        )
        elapsed = (time.perf_counter() - started) * 1000
        row = {"file": path.name, "status": status, "ms": elapsed}
        if status in (200, 201):
            summary = data["findings_summary"]
            row.update(
                id=data["draft"]["id"],
                result=data["result"],
                error=summary["error"],
                warning=summary["warning"],
                info=summary["info"],
                warnings=len(data["warnings"]),
            )
            results[data["result"]] += 1
        else:
            error = data.get("error", {})
            row["problem"] = f"{error.get('code')}: {error.get('message')}"
            for detail in error.get("details", [])[:3]:
                row["problem"] += f" / {detail.get('field')}: {detail.get('message')}"
            results["failed"] += 1
        rows.append(row)
    return rows, results


def print_rows(rows: list[dict]) -> None:
    header = f"{'id':>4} {'結果':<9} {'error':>5} {'warn':>5} {'info':>5} {'注意':>4} {'ms':>6}"
    print(header + "  ファイル")
    for row in rows:
        if "id" in row:
            print(
                f"{row['id']:>4} {row['result']:<9} {row['error']:>5} {row['warning']:>5} "
                f"{row['info']:>5} {row['warnings']:>4} {row['ms']:>6.0f}  {row['file']}"
            )
        else:
            print(f"{'-':>4} {row['status']:<9} {'':>30}  {row['file']}\n      {row['problem']}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="a running server, e.g. http://127.0.0.1:8000")
    parser.add_argument("--token", help="an API token (with --url)")
    args = parser.parse_args()

    folder = samples_dir()
    files = sorted(folder.glob("*.md")) if folder.is_dir() else []
    if not files:
        print(f"サンプルがありません: {folder}（KOSEI_SHARED_DIR で共有フォルダを指定）")
        return 2
    if args.url:
        if not args.token:
            parser.error("--url には --token も必要です")
        api = HttpApi(args.url, args.token)
    else:
        api = InProcessApi()

    print(f"1回目: {len(files)} 件を送信")
    rows, results = submit_all(api, files)
    print_rows(rows)
    totals = Counter()
    for row in rows:
        for key in ("error", "warning", "info"):
            totals[key] += row.get(key, 0)
    times = sorted(row["ms"] for row in rows)
    print(
        f"\n結果: {dict(results)}  指摘の合計: error {totals['error']} / "
        f"warning {totals['warning']} / info {totals['info']}"
    )
    print(f"1件あたり: 中央値 {times[len(times) // 2]:.0f} ms、最大 {times[-1]:.0f} ms")

    print("\n2回目（同じ内容の再送）")
    _, again = submit_all(api, files)
    print(f"結果: {dict(again)}（再送で記事は増えません）")
    return 1 if results["failed"] or again["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
