"""Feed HTML must carry no relative URL: href, src and every srcset candidate are absolute."""

from blog.logic.seo import absolutize_urls

BASE = "https://ai-media.co.jp/2026/02/24/article/"


def test_every_url_of_a_picture_becomes_absolute():
    html = (
        '<picture><source type="image/webp" srcset="/media/a-640.webp 640w, /media/a-1280.webp 1280w">'
        '<img src="/media/a.png" srcset="/media/a-640.png 640w,/media/a-1280.png 1280w" alt="図">'
        '</picture><a href="../other/">前の記事</a> <a href="https://example.com/x">外部</a>'
    )
    out = absolutize_urls(html, BASE)
    assert (
        'srcset="https://ai-media.co.jp/media/a-640.webp 640w, https://ai-media.co.jp/media/a-1280.webp 1280w"'
        in out
    )
    assert (
        'srcset="https://ai-media.co.jp/media/a-640.png 640w, https://ai-media.co.jp/media/a-1280.png 1280w"'
        in out
    )
    assert 'src="https://ai-media.co.jp/media/a.png"' in out
    assert 'href="https://ai-media.co.jp/2026/02/24/other/"' in out
    assert 'href="https://example.com/x"' in out
