"""The old site's real sample posts, sent whole through the API as the pipeline would.

Skipped when the shared folder is not there (set KOSEI_SHARED_DIR to point elsewhere).
"""

import pytest

from blog.models import Post
from tests.samples import POSTS, needs

pytestmark = [pytest.mark.django_db, needs(POSTS)]


def test_every_sample_file_becomes_one_draft_and_a_resend_changes_nothing(writer_api, settings):
    settings.API_RATE_LIMIT_PER_MINUTE = 1000
    files = sorted(POSTS.glob("*.md"))
    assert len(files) >= 19

    def send(path):
        return writer_api.post(
            "/api/v1/drafts",
            {"external_id": path.name, "format": "jekyll", "body": path.read_text("utf-8")},
        )

    first = {path.name: send(path) for path in files}
    assert {name: r.status_code for name, r in first.items()} == {p.name: 201 for p in files}
    assert Post.objects.filter(status="draft").count() == len(files)
    assert not Post.objects.published().exists()
    for response in first.values():
        body = response.json()["draft"]["body"]
        assert "※本記事にはアフィリエイトリンク" not in body  # footer blocks became data
    # The post the brief was written from keeps its title and gets the slug of its file name.
    brief = first["2026-02-24-2-open-source-llm-vs-gpt4o-impac.md"].json()["draft"]
    assert brief["slug"] == "2-open-source-llm-vs-gpt4o-impac"
    # A file with leftover `---END---` markers says so, with the line in the file.
    warnings = first["2026-02-12-1-amazonai25.md"].json()["warnings"]
    assert any(w["code"] == "end_marker" and w["line"] for w in warnings)

    again = [send(path).json()["result"] for path in files]
    assert again == ["unchanged"] * len(files)
    assert Post.objects.count() == len(files)
