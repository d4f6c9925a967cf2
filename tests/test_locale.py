"""The project's catalog (locale/ja/LC_MESSAGES/django.po) is compiled, and wins over Django's
and django-taggit's own Japanese."""

import ast
import gettext
import re
from pathlib import Path

from django.utils import translation

LOCALE = Path(__file__).resolve().parent.parent / "locale" / "ja" / "LC_MESSAGES"


def po_entries() -> dict[str, str]:
    text = (LOCALE / "django.po").read_text(encoding="utf-8")
    pairs = re.findall(r'^msgid (".*")\nmsgstr (".*")$', text, re.MULTILINE)
    return {ast.literal_eval(mid): ast.literal_eval(mstr) for mid, mstr in pairs if mid != '""'}


def test_the_compiled_catalog_is_up_to_date_with_its_source():
    entries = po_entries()
    assert len(entries) > 20
    with (LOCALE / "django.mo").open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    stale = {mid: mstr for mid, mstr in entries.items() if compiled.gettext(mid) != mstr}
    assert stale == {}, (
        "run: msgfmt -o locale/ja/LC_MESSAGES/django.mo locale/ja/LC_MESSAGES/django.po"
    )


def test_the_project_wording_wins_over_djangos_and_taggits():
    with translation.override("ja"):
        for mid, mstr in po_entries().items():
            assert translation.gettext(mid) == mstr, mid
