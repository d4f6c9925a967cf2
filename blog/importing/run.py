"""One import run, step by step: scan the files and give them URLs (`scan`), then, batch by
batch, read each file (`prepare`), send the bodies to worker processes to be rendered and
tokenised, and write the posts whose file changed (`write`); finally related posts, redirects
and calls to action (`finish`). Each step is called here, in this order, and nothing else
happens on the side:

- The search document is written by `Post.save()` with the tokens the workers made
  (`prerendered`), so no post's text is rendered or tokenised twice.
- No social card is drawn (`draw_card=False`): `generate_ogp --missing` draws them afterwards.
- The page cache is invalidated by each save, as for any edit.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Hashable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from blog.importing.finish import Pending, write_ctas, write_redirects, write_related
from blog.importing.prepare import Prepared, Preparer
from blog.importing.report import ERROR, WARNING, ImportReport
from blog.importing.scan import (
    Source,
    assign_urls,
    build_index,
    edited_since_import,
    import_meta,
    load_existing,
    old_url_forms,
    post_files,
    read_config,
    relative,
    scan_file,
)
from blog.importing.write import Writer, validation_message
from blog.logic import frontmatter, prerender
from blog.logic.prerender import PreRendered
from blog.logic.urls import article_path
from blog.models import Post

COMMIT_EVERY = 100  # posts per transaction
# Worker processes take about a second to start: they render bodies only for larger imports.
PARALLEL_FROM = 200


@dataclass
class _Plan:
    """One file of a run: read (prepared) and, when it must be written, its rendering."""

    source: Source
    entry: dict
    post: Post | None
    prepared: Prepared | None = None
    digest: str = ""
    write: bool = False
    rendering: Future | None = None

    def prerendered(self) -> PreRendered | None:
        if self.rendering is None:
            return None
        fields = self.prepared.fields
        try:
            result = self.rendering.result()
        except BrokenProcessPool:
            return None  # the workers are gone: Post.save() renders the body itself
        # Any other exception of the worker is raised here, inside the post's savepoint: the
        # post fails alone, as it would have failed rendering in this process.
        return prerender.complete(fields["title"], fields["excerpt"], fields["body"], result)


@contextmanager
def _render_pool(jobs: int) -> Iterator[ProcessPoolExecutor | None]:
    """Worker processes that render bodies while this process writes (None: render inline).

    spawn: the workers import only blog.logic (no Django, no inherited connections); they are
    started on the first body sent, so a run that writes nothing starts none."""
    if jobs <= 1:
        yield None
        return
    with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
        yield pool


class Importer:
    def __init__(
        self,
        site_dir: Path,
        *,
        status: str = Post.Status.DRAFT,
        dry_run: bool = False,
        limit: int | None = None,
        progress: Callable[[int, int], None] | None = None,
        jobs: int | None = None,
    ) -> None:
        if status not in {Post.Status.DRAFT, Post.Status.PUBLISHED}:
            raise ValueError(f"status must be draft or published, not {status!r}")
        self.site_dir = site_dir.resolve()
        self.jobs = jobs if jobs is not None else (os.cpu_count() or 1)
        self.dry_run = dry_run
        self.limit = limit
        self.progress = progress
        self.report = ImportReport(site_dir=str(site_dir), dry_run=dry_run, status=status)
        self.writer = Writer(self.report, status=status, dry_run=dry_run)
        self.pending = Pending()
        self._pk_by_key: dict[Hashable, int] = {}

    def run(self) -> ImportReport:
        config = read_config(self.site_dir, self.report)
        self.config = config
        files = post_files(self.site_dir)
        if self.limit is not None:
            files = files[: self.limit]
        self.report.counts["files"] = len(files)

        sources = []
        for path in files:
            source = scan_file(path, self.site_dir, config, self.report)
            if source is None:
                self.report.counts["failed"] += 1
                self.report.posts.append(
                    {"file": relative(path, self.site_dir), "action": "failed", "url": None}
                )
            else:
                sources.append(source)

        if self.dry_run:
            # Everything a real run does, in one transaction rolled back at the end: the
            # report is the real one and nothing is written (no image files either).
            with transaction.atomic():
                self._run_sources(sources)
                transaction.set_rollback(True)
        else:
            # Committed in batches (see _run_sources): an interrupted run keeps its work
            # and the next run carries on from there.
            self._run_sources(sources)
        self.report.posts.sort(key=lambda p: p["file"])
        return self.report

    def _run_sources(self, sources: list[Source]) -> None:
        existing = load_existing()
        self.existing = existing
        assign_urls(sources, existing, self.report)
        self.index, self.paths = build_index(sources, existing)
        self.preparer = Preparer(
            site_dir=self.site_dir,
            config=self.config,
            report=self.report,
            index=self.index,
            paths=self.paths,
        )
        self.writer.load()
        with _render_pool(self.jobs if len(sources) >= PARALLEL_FROM else 1) as pool:
            for start in range(0, len(sources), COMMIT_EVERY):
                # Each post is its own savepoint (a bad one is rolled back alone); committing in
                # batches spares PostgreSQL an fsync per post, which was half of the import time.
                with transaction.atomic():
                    # The batch's files are read first and their bodies sent to the worker
                    # processes; then each post is written as soon as its rendering is back,
                    # while the workers render the next ones.
                    plans = [self._plan(source) for source in sources[start : start + COMMIT_EVERY]]
                    if pool is not None:
                        try:
                            for plan in plans:
                                if plan.write:
                                    fields = plan.prepared.fields
                                    plan.rendering = prerender.submit(
                                        pool, fields["title"], fields["excerpt"], fields["body"]
                                    )
                        except BrokenProcessPool:
                            pool = None  # a worker died: render here from now on
                    for done, plan in enumerate(plans, start + 1):
                        if plan.write:
                            self._write_planned(plan)
                        if self.progress:
                            self.progress(done, len(sources))
        with transaction.atomic():
            write_related(self.pending, self._pk_by_key, self.paths, self.report)
            write_redirects(self.pending, self._pk_by_key, self.writer, self.report)
            write_ctas(self.pending, self.writer, self.report)

    def _plan(self, source: Source) -> _Plan:
        """Read the file and decide whether the post must be written (see _write_planned)."""
        post = self.existing.by_source.get(source.rel)
        entry = {"file": source.rel, "url": source.path_on_site, "action": None, "post_id": None}
        self.report.posts.append(entry)
        plan = _Plan(source, entry, post)
        try:
            prepared = self.preparer.prepare(source)
        except (frontmatter.FrontMatterError, OSError) as exc:  # changed since the scan
            self._fail(source, entry, str(exc))
            return plan
        if prepared.old_permalink:
            self.pending.want_redirect(prepared.old_permalink, None, source.rel, "")
        if prepared.ctas and prepared.category is not None:
            self.pending.ctas.setdefault(prepared.category.slug, []).extend(prepared.ctas)
        plan.prepared = prepared
        plan.digest = digest = prepared.digest()

        if post is not None:
            entry["post_id"] = post.pk
            self._pk_by_key[source.key] = post.pk
            if edited_since_import(post):
                entry["action"] = "edited"
                self.report.counts["edited_skipped"] += 1
                if import_meta(post).get("hash") != digest:
                    self.report.problem(
                        source.rel, None, WARNING, "edited_since_import",
                        f"記事 ID {post.pk} は前回の取り込みの後に編集されているため、"
                        "ファイルの変更を反映しませんでした。",
                    )  # fmt: skip
                return plan
            if import_meta(post).get("hash") == digest:
                entry["action"] = "unchanged"
                self.report.counts["unchanged"] += 1
                self._after_write(source, post.pk, prepared)
                return plan
        plan.write = True
        return plan

    def _write_planned(self, plan: _Plan) -> None:
        source, entry, post, prepared = plan.source, plan.entry, plan.post, plan.prepared
        checkpoint = self.writer.checkpoint()
        try:
            with transaction.atomic():
                post = self.writer.write(post, prepared, plan.digest, plan.prerendered())
        except ValidationError as exc:
            self.writer.rollback_to(checkpoint)
            self._fail(source, entry, validation_message(exc))
            return
        except Exception as exc:  # noqa: BLE001 - one bad post must not stop the migration
            self.writer.rollback_to(checkpoint)
            self._fail(source, entry, f"保存できませんでした（{type(exc).__name__}: {exc}）。")
            return
        entry["post_id"] = post.pk
        entry["action"] = "updated" if source.rel in self.existing.by_source else "created"
        self.report.counts[entry["action"]] += 1
        self._pk_by_key[source.key] = post.pk
        self._after_write(source, post.pk, prepared)

    def _fail(self, source: Source, entry: dict, message: str) -> None:
        entry["action"] = "failed"
        self.report.counts["failed"] += 1
        self.report.problem(source.rel, None, ERROR, "save_failed", message)

    def _after_write(self, source: Source, pk: int, prepared: Prepared) -> None:
        self.pending.related[pk] = (source.rel, prepared.related_keys)
        for day, slug in old_url_forms(source):
            if not self.index.is_real_url(day, slug):
                self.pending.want_redirect(article_path(day, slug), pk, source.rel, "")


def import_jekyll_site(
    site_dir: Path | str,
    *,
    status: str = Post.Status.DRAFT,
    dry_run: bool = False,
    limit: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    jobs: int | None = None,
) -> ImportReport:
    """Import a Jekyll site folder (see blog.importing). Raises ImportAborted.

    `jobs`: processes rendering bodies beside this one (default: one per core; 1 renders
    here). Only runs of PARALLEL_FROM files or more use them."""
    importer = Importer(
        Path(site_dir), status=status, dry_run=dry_run, limit=limit, progress=progress, jobs=jobs
    )
    return importer.run()
