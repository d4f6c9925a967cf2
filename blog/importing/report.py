"""The import's report: counts, problems (file, line, level, reason) and one entry per file."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

ERROR, WARNING, INFO = "error", "warning", "info"
LEVEL_LABELS = {ERROR: "失敗", WARNING: "要確認", INFO: "情報"}

# The report's counters, in the order (and with the words) the command prints them.
COUNT_LABELS = {
    "files": "対象ファイル",
    "created": "作成した記事",
    "updated": "更新した記事",
    "unchanged": "変更のない記事",
    "failed": "取り込めなかったファイル",
    "edited_skipped": "編集済みのため上書きしなかった記事",
    "collisions": "URL の衝突（要確認）",
    "redirects": "作成したリダイレクト",
    "books_linked": "記事に紐付けた書籍",
    "books_created": "新しく登録した書籍",
    "book_search_items": "ASIN のない書籍リンク（要確認）",
    "related_resolved": "解決した関連記事",
    "links_rewritten": "書き換えた内部リンク",
    "links_unresolved": "解決できないリンク",
    "images_imported": "取り込んだ OGP 画像",
    "images_missing": "見つからない画像",
    "blocks_removed": "本文から外したブロック",
    "categories_created": "作成したカテゴリ",
    "authors_created": "作成した著者",
    "ctas_created": "作成した CTA",
}


class ImportAborted(Exception):
    """The site itself cannot be imported (no `_posts/`, unreadable `_config.yml`)."""


@dataclass
class Problem:
    file: str
    line: int | None
    level: str
    code: str
    message: str

    def format(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "")
        return f"[{LEVEL_LABELS[self.level]}] {where} {self.message}"


@dataclass
class ImportReport:
    site_dir: str
    dry_run: bool
    status: str
    counts: Counter = field(default_factory=Counter)
    problems: list[Problem] = field(default_factory=list)
    posts: list[dict] = field(default_factory=list)

    def problem(self, file: str, line: int | None, level: str, code: str, message: str) -> Problem:
        problem = Problem(file, line, level, code, message)
        self.problems.append(problem)
        return problem

    @property
    def has_failures(self) -> bool:
        return self.counts["failed"] > 0

    def problems_for(self, file: str) -> list[Problem]:
        return [p for p in self.problems if p.file == file]

    def as_dict(self) -> dict:
        return {
            "site_dir": self.site_dir,
            "dry_run": self.dry_run,
            "status": self.status,
            "counts": {key: self.counts[key] for key in COUNT_LABELS},
            "problems": [vars(p) for p in self.problems],
            "posts": self.posts,
        }
