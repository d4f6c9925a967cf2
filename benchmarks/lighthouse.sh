#!/usr/bin/env bash
# Lighthouse 12 (default mobile emulation) for an article, the home page and a category page,
# against gunicorn with production settings and the demo content, on 127.0.0.1 only.
#
#   benchmarks/lighthouse.sh            # prints performance / accessibility / best practices / SEO
#
# Needs Node 20 and Debian's chromium (CHROME_PATH, default /usr/bin/chromium); lighthouse@12 is
# installed with npm into a temporary directory.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-.venv/bin/python}"
PORT="${PORT:-8321}"
export CHROME_PATH="${CHROME_PATH:-/usr/bin/chromium}"
WORK="$(mktemp -d /tmp/kosei-lighthouse-XXXXXX)"
trap 'kill "${APP_PID:-0}" 2>/dev/null || true; rm -rf "$WORK"' EXIT

echo "== installing lighthouse@12 in $WORK"
(cd "$WORK" && npm install --silent --no-audit --no-fund lighthouse@12 >/dev/null)

export DATABASE_URL="sqlite:///$WORK/db.sqlite3"
export DJANGO_SECRET_KEY="lighthouse-only-secret-key-0123456789abcdefghijklmnop"
export DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost"
export DJANGO_SECURE_SSL_REDIRECT=0
export STATIC_ROOT="$WORK/static"
export SITE_URL="http://127.0.0.1:$PORT"
export DJANGO_LOG_LEVEL=WARNING
"$PYTHON" manage.py migrate --noinput -v0
"$PYTHON" manage.py seed_demo -v0 >/dev/null
"$PYTHON" manage.py collectstatic --noinput -v0
ARTICLE="$("$PYTHON" manage.py shell -v0 -c 'from blog.models import Post; print(Post.objects.published().order_by("-published_at").first().get_absolute_url())')"
CATEGORY="$("$PYTHON" manage.py shell -v0 -c 'from blog.models import Post; print("/category/%s/" % Post.objects.published().order_by("-published_at").first().category.slug)')"

"$(dirname "$PYTHON")/gunicorn" config.wsgi --workers 2 --bind "127.0.0.1:$PORT" --log-level warning &
APP_PID=$!
for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$PORT/robots.txt" >/dev/null && break; sleep 0.2; done

printf '\n| page | performance | accessibility | best practices | SEO |\n|---|---|---|---|---|\n'
for name_path in "article=$ARTICLE" "home=/" "category=$CATEGORY"; do
  name="${name_path%%=*}"; path="${name_path#*=}"
  url="http://127.0.0.1:$PORT$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$path")"
  # A run can come back without a score (Chrome failed to load or trace the page): try again.
  for attempt in 1 2 3; do
    "$WORK/node_modules/.bin/lighthouse" "$url" --quiet --output=json --output-path="$WORK/$name.json" \
      --only-categories=performance,accessibility,best-practices,seo \
      --chrome-flags="--headless=new --no-sandbox --disable-gpu" >/dev/null 2>&1 || true
    python3 -c 'import json, sys; c = json.load(open(sys.argv[1]))["categories"]; sys.exit(any(v["score"] is None for v in c.values()))' "$WORK/$name.json" 2>/dev/null && break
    echo "    $name: no score (attempt $attempt)" >&2
  done
  python3 - "$WORK/$name.json" "$name" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
c = report["categories"]
scores = [c[k]["score"] for k in ("performance", "accessibility", "best-practices", "seo")]
print(f"| {sys.argv[2]} | " + " | ".join("-" if s is None else f"{s:.2f}" for s in scores) + " |")
if report.get("runtimeError"):
    print(f"    runtime error: {report['runtimeError'].get('message')}", file=sys.stderr)
for key in ("performance", "accessibility", "best-practices", "seo"):
    for ref in c[key]["auditRefs"]:
        audit = report["audits"][ref["id"]]
        if ref.get("weight") and audit.get("score") is not None and audit["score"] < 0.9:
            print(f"    {key}: {ref['id']} {audit['score']}", file=sys.stderr)
PY
done
