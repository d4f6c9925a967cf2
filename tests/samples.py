"""Where the tests find the old site's real sample: `<repo>/../shared`, or $KOSEI_SHARED_DIR.

CI always has it. Without it, the tests that read it skip with `needs(...)`'s reason, which names
the missing path and the variable that points elsewhere.
"""

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("KOSEI_SHARED_DIR") or REPO.parent / "shared")
SITE_MD = SHARED / "SITE.md"
SITE = SHARED / "samples" / "jekyll-site"
POSTS = SITE / "_posts"


def needs(path: Path):
    """A skip marker for tests that read `path` from the shared folder."""
    return pytest.mark.skipif(
        not path.exists(),
        reason=f"the shared samples are not at {path} (set KOSEI_SHARED_DIR to the shared folder)",
    )
