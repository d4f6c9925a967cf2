"""HTTP benchmark of the public pages: gunicorn (2 sync workers, production settings) under wrk.

    python benchmarks/http_bench.py                      # PostgreSQL, 3,000 posts, 10 s a run
    python benchmarks/http_bench.py --database-url sqlite:////tmp/kosei_http.sqlite3
    python benchmarks/http_bench.py --posts 300 --duration 3    # a quick look

It installs wrk and nginx with apt-get when they are missing, seeds a fresh database with
realistic posts (bodies of 4,000-25,000 characters, 6 tags and 3 books each; see seed.py),
collects the static files, then for PAGE_CACHE_SECONDS=0 (the origin alone) and =600 runs
`wrk -t2 -c16 -d10s --latency` against an article, the home page, a category, a tag, the RSS
feed, the post sitemap and a search, and finally the same article saved as a static file served
by nginx (the physical limit) and through docs/nginx-microcache.conf in front of gunicorn.
Everything listens on 127.0.0.1 only and every run stops by itself.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
APP_PORT, STATIC_PORT, PROXY_PORT = 8311, 8312, 8313
DEFAULT_DB = "postgres://root@127.0.0.1:5432/kosei_http_bench"


def ensure_tools() -> None:
    missing = [tool for tool in ("wrk", "nginx") if not shutil.which(tool)]
    if not shutil.which("nginx") and Path("/usr/sbin/nginx").exists():
        missing.remove("nginx")
    if missing:
        print(f"installing {', '.join(missing)} with apt-get", flush=True)
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        packages = ["wrk" if m == "wrk" else "nginx-light" for m in missing]
        subprocess.run(["apt-get", "install", "-y", "-qq", *packages], check=True)


def seed_only(url: str, posts: int) -> None:
    sys.path.insert(0, str(HERE))
    from _django import fresh_database, setup

    fresh_database(url)
    setup(url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    import seed

    started = time.perf_counter()
    seed.seed(posts, 4000, 25000)
    print(f"seeded {posts} posts in {time.perf_counter() - started:.0f} s", flush=True)
    from django.db import connection

    # A live database has planner statistics; a freshly bulk-loaded one has none until
    # autovacuum gets to it, and plans as if the tables were empty.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    from blog.models import Post

    post = Post.objects.published().order_by("-published_at")[20]
    tag = post.tags.first()
    paths = {
        "article": post.get_absolute_url(),
        "home": "/",
        "category": f"/category/{post.category.slug}/",
        "tag": f"/tag/{tag.slug}/",
        "feed": "/feed.xml",
        "sitemap": "/sitemap-posts.xml",
        "search": "/search/?q=生成",
    }
    (Path(os.environ["BENCH_DIR"]) / "paths.txt").write_text(
        "\n".join(f"{k}\t{v}" for k, v in paths.items()), encoding="utf-8"
    )


def app_env(args, workdir: Path, cache_seconds: int) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": args.database_url,
        "DJANGO_SECRET_KEY": "benchmark-only-secret-key-0123456789abcdefghijklmnop",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_LOG_LEVEL": "WARNING",
        "STATIC_ROOT": str(workdir / "static"),
        "SITE_URL": f"http://127.0.0.1:{APP_PORT}",
        "PAGE_CACHE_SECONDS": str(cache_seconds),
    }


def wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except Exception:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


def start_gunicorn(args, workdir: Path, cache_seconds: int) -> subprocess.Popen:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(
        [
            str(gunicorn),
            "config.wsgi",
            "--workers",
            "2",
            "--worker-class",
            "sync",
            "--bind",
            f"127.0.0.1:{APP_PORT}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=app_env(args, workdir, cache_seconds),
    )
    wait_for(f"http://127.0.0.1:{APP_PORT}/robots.txt")
    return process


def stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


WRK_LATENCY = re.compile(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", re.M)


def wrk(url: str, duration: int) -> dict:
    out = subprocess.run(
        ["wrk", "-t2", "-c16", f"-d{duration}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
        timeout=duration + 30,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    latency = {p: float(v) * scale[u] for p, v, u in WRK_LATENCY.findall(out)}
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": rps,
        "p50": latency.get("50"),
        "p99": latency.get("99"),
        "errors": int(errors.group(1)) if errors else 0,
    }


def nginx_conf(workdir: Path) -> Path:
    doc = (ROOT / "docs" / "nginx-microcache.conf").read_text(encoding="utf-8")
    doc = doc.replace("/var/cache/nginx/kosei", str(workdir / "nginx-cache"))
    doc = doc.replace("127.0.0.1:8000", f"127.0.0.1:{APP_PORT}")
    doc = doc.replace("listen 80;", f"listen 127.0.0.1:{PROXY_PORT};")
    conf = f"""
user root;
worker_processes auto;
daemon off;
pid {workdir}/nginx.pid;
error_log {workdir}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    open_file_cache max=100 inactive=60s;
    types {{ text/html html; }}
    client_body_temp_path {workdir}/nginx-tmp;
    proxy_temp_path {workdir}/nginx-tmp;
    server {{
        listen 127.0.0.1:{STATIC_PORT};
        root {workdir}/www;
        location / {{ try_files $uri $uri/index.html =404; }}
    }}
{doc}
}}
"""
    path = workdir / "nginx.conf"
    path.write_text(conf, encoding="utf-8")
    return path


def row(name: str, result: dict) -> str:
    p50 = f"{result['p50']:.2f}" if result["p50"] is not None else "-"
    p99 = f"{result['p99']:.2f}" if result["p99"] is not None else "-"
    errors = f" ({result['errors']} non-2xx)" if result["errors"] else ""
    return f"| {name} | {result['rps']:,.0f} | {p50} | {p99} |{errors}"


def main() -> None:
    parser = argparse.ArgumentParser(description="Kōsei public-page HTTP benchmark")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--posts", type=int, default=3000)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--seed-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.seed_only:
        seed_only(args.database_url, args.posts)
        return

    ensure_tools()
    workdir = Path(tempfile.mkdtemp(prefix="kosei-bench-"))
    os.chmod(workdir, 0o755)
    env = {**os.environ, "BENCH_DIR": str(workdir)}
    subprocess.run(
        [
            sys.executable,
            __file__,
            "--seed-only",
            "--database-url",
            args.database_url,
            "--posts",
            str(args.posts),
        ],
        check=True,
        env=env,
    )
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        check=True,
        env=app_env(args, workdir, 0),
    )
    paths = dict(
        line.split("\t") for line in (workdir / "paths.txt").read_text("utf-8").splitlines()
    )
    base = f"http://127.0.0.1:{APP_PORT}"
    lines = []
    for cache_seconds in (0, 600):
        label = "page cache off" if cache_seconds == 0 else "page cache on"
        app = start_gunicorn(args, workdir, cache_seconds)
        try:
            for name, path in paths.items():
                url = base + quote(path, safe="/?=&")
                # Both workers: each has its own connection pool and (local-memory) cache.
                for _ in range(16):  # warm connections, fragments and (when on) the page
                    urllib.request.urlopen(url).read()
                result = wrk(url, args.duration)
                lines.append(row(f"{name}, {label}", result))
                print(lines[-1], flush=True)
            if cache_seconds:
                article = base + quote(paths["article"])
                (workdir / "www").mkdir()
                (workdir / "nginx-tmp").mkdir()
                html = urllib.request.urlopen(article).read()
                (workdir / "www" / "article.html").write_bytes(html)
                nginx = subprocess.Popen(["nginx", "-c", str(nginx_conf(workdir))])
                try:
                    wait_for(f"http://127.0.0.1:{STATIC_PORT}/article.html")
                    result = wrk(f"http://127.0.0.1:{STATIC_PORT}/article.html", args.duration)
                    lines.append(row("article, static file served by nginx", result))
                    print(lines[-1], flush=True)
                    proxied = f"http://127.0.0.1:{PROXY_PORT}" + quote(paths["article"])
                    wait_for(proxied)
                    result = wrk(proxied, args.duration)
                    lines.append(row("article, nginx micro-cache in front of gunicorn", result))
                    print(lines[-1], flush=True)
                finally:
                    stop(nginx)
        finally:
            stop(app)
    print()
    print(
        f"{args.posts} posts, database {args.database_url.split(':')[0]}, "
        f"wrk -t2 -c16 -d{args.duration}s --latency, gunicorn 2 sync workers"
    )
    print("| page | req/s | p50 ms | p99 ms |")
    print("|---|---|---|---|")
    print("\n".join(lines))
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
