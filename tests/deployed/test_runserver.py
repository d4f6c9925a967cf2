"""The site as `make run` serves it: `manage.py runserver` with DJANGO_DEBUG=1, over a socket.

The test client skips the development server's handlers and builds the URLconf once with the
suite's DEBUG off; these requests go through the URLconf that DEBUG on builds. Uploaded media
(body images, renditions, OGP cards) must answer under /media/, whatever pages exist, and a
reader's 404 is the site's Japanese page.
"""

from __future__ import annotations

import pytest

from tests.deployed.server import Runserver, build_site
from tests.deployed.test_gunicorn import _write_site

pytestmark = pytest.mark.deployed

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"


@pytest.fixture(scope="module")
def dev_server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("runserver")
    site = build_site(tmp, _write_site(tmp))
    media = tmp / "media" / "articles" / "ab"
    media.mkdir(parents=True)
    (media / "photo.png").write_bytes(PNG)
    server = Runserver(site, tmp)
    try:
        yield server
    finally:
        server.stop()
        site.close()


def test_uploaded_media_answers(dev_server):
    response = dev_server.fetch("/media/articles/ab/photo.png")
    assert response.status == 200, dev_server.log()
    assert response.body == PNG
    assert response.headers["content-type"] == "image/png"


def test_missing_media_is_404_not_a_page(dev_server):
    assert dev_server.fetch("/media/articles/ab/none.png").status == 404


def test_static_files_answer(dev_server):
    assert dev_server.fetch("/static/img/favicon.svg").status == 200


def test_a_readers_404_is_the_site_page(dev_server):
    response = dev_server.fetch("/no-such-page/")
    assert response.status == 404
    html = response.body.decode()
    assert "ページが見つかりません" in html
    assert "Page not found" not in html
