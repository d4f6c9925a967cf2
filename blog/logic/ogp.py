"""Social cards (Open Graph images) for articles, drawn with Pillow, without Django.

A card is 1200x630: a vertical gradient in the category's colours with three soft accent circles,
the category in a rounded label at the top left, the author at the top right, the title in a bold
Japanese font, and a footer rule with the site name on the left and the domain on the right.
Everything that carries meaning stays inside `SAFE_AREA` (1080x510, centred), so X's 2:1 crop
(1200x600) and chat unfurls that trim the edges lose nothing.

Titles are broken into lines the way a Japanese typesetter would:

- break opportunities are BudouX phrase boundaries and spaces, filled greedily by measured width;
- kinsoku: no line starts with closing punctuation, 「ー」, 「・」 or small kana, and none ends
  with an opening bracket;
- Latin words, model names (GPT-4o) and numbers with their units (2,000億円) are never split;
- a phrase wider than the line is broken between characters (still obeying the rules above);
  only a single unbreakable run wider than the whole line is cut inside, as a last resort.

The size steps down from 64 px to 46 px until the title fits in 3 lines (4 at the smallest
size); a title that still overflows ends with 「…」 and the result says so.

The card is named by `card_hash` of everything drawn, so a changed title gives a new file and
an unchanged one keeps its URL. Bump `TEMPLATE_VERSION` whenever the drawing changes.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import re
import unicodedata
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import budoux
from PIL import Image, ImageDraw, ImageFont

TEMPLATE_VERSION = 1

WIDTH, HEIGHT = 1200, 630
# (left, top, right, bottom): 1080x510 centred. X crops 15 px off the top and bottom.
SAFE_AREA = (60, 60, 1140, 570)
MAX_BYTES = 300 * 1024

TITLE_SIZES = tuple(range(64, 45, -2))  # 64, 62, ..., 46
MAX_LINES = 3
MAX_LINES_SMALLEST = 4
LINE_HEIGHT = 1.42

_MARGIN_X = 80
_TITLE_WIDTH = WIDTH - 2 * _MARGIN_X  # 1040 px
_LABEL_TOP = 72
_LABEL_HEIGHT = 50
_LABEL_SIZE = 26
_TITLE_TOP, _TITLE_BOTTOM = 150, 470
_RULE_Y = 494
_FOOTER_SIZE = 26
_FOOTER_BASELINE = 548
_ELLIPSIS = "…"
_HALF_WIDTH_AT_LINE_START = frozenset("（「『【〔〈《［｛〘〖〝")


class OgpFontError(Exception):
    """No usable font with Japanese glyphs: drawing would produce tofu boxes."""


class OverrideImageError(ValueError):
    """An uploaded card replacement that social networks would reject or crop badly."""


@dataclass(frozen=True)
class Theme:
    """Category colours as #RRGGBB."""

    gradient_start: str = "#1A365D"
    gradient_end: str = "#0D9488"
    accent: str = "#E6FFFA"


@dataclass(frozen=True)
class CardInput:
    """Everything a card shows. Two equal inputs draw byte-identical PNGs."""

    title: str
    category: str = ""
    author: str = ""
    site_name: str = ""
    domain: str = ""
    theme: Theme = field(default_factory=Theme)


@dataclass(frozen=True)
class FontSpec:
    path: str
    index: int = 0

    @property
    def family(self) -> str:
        name, style = _font(self, 20).getname()
        return f"{name} {style}"


@dataclass(frozen=True)
class TitleLayout:
    lines: list[str]
    size: int
    truncated: bool


@dataclass(frozen=True)
class Card:
    png: bytes
    hash: str
    layout: TitleLayout
    warnings: list[str]


# --- fonts -----------------------------------------------------------------------------------

# Debian's fonts-noto-cjk; face 0 of the collection is the Japanese one.
SYSTEM_FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJKjp-Bold.otf",
)
_JAPANESE_PROBE = "あア漢字、"


def find_font(configured: str | None = None) -> FontSpec:
    """The font to draw with: `configured` (a path) if given, else the packaged Noto Sans CJK JP
    Bold, else Debian's. Raises OgpFontError when none has Japanese glyphs."""
    if configured:
        path = Path(configured)
        if not path.is_file():
            raise OgpFontError(
                f"OGP_FONT_PATH に指定されたフォント {configured} がありません。"
                "パスを直すか、設定を外して同梱のフォントを使ってください。"
            )
        spec = FontSpec(str(path))
        _require_japanese(spec, f"OGP_FONT_PATH のフォント {configured}")
        return spec
    tried = []
    packaged = _packaged_font_path()
    candidates = ([packaged] if packaged else []) + list(SYSTEM_FONT_CANDIDATES)
    for candidate in candidates:
        tried.append(candidate)
        if Path(candidate).is_file():
            spec = FontSpec(candidate)
            _require_japanese(spec, candidate)
            return spec
    raise OgpFontError(
        "OGP カードを描く日本語フォントが見つかりません（探した場所: "
        + "、".join(tried or ["なし"])
        + "）。`pip install noto-cjk-sans-jp-bold` を実行するか、"
        "OGP_FONT_PATH に日本語の字形を含むフォントのパスを設定してください。"
    )


def _packaged_font_path() -> str | None:
    try:
        import noto_cjk_sans_jp_bold
    except ImportError:
        return None
    return str(noto_cjk_sans_jp_bold.FONT_PATH)


def _require_japanese(spec: FontSpec, label: str) -> None:
    try:
        _font(spec, 20)
    except OSError as exc:
        raise OgpFontError(f"{label} はフォントとして読めません（{exc}）。") from exc
    missing = [ch for ch in _JAPANESE_PROBE if not has_glyph(spec, ch)]
    if missing:
        raise OgpFontError(
            f"{label} には日本語の字形（{''.join(missing)}）がありません。"
            "豆腐（□）で描かれるため使えません。日本語フォントを指定してください。"
        )


@functools.lru_cache(maxsize=64)
def _font(spec: FontSpec, size: int) -> ImageFont.FreeTypeFont:
    # BASIC layout: no dependency on libraqm being present, and the same metrics everywhere,
    # which keeps the output deterministic across machines with the same font file.
    return ImageFont.truetype(
        spec.path, size, index=spec.index, layout_engine=ImageFont.Layout.BASIC
    )


@functools.lru_cache(maxsize=8)
def _notdef_mask(spec: FontSpec) -> tuple[tuple[int, int], bytes]:
    mask = _font(spec, 20).getmask("\U0010fffd")  # private use: no font maps it
    return mask.size, bytes(mask)


@functools.lru_cache(maxsize=4096)
def has_glyph(spec: FontSpec, ch: str) -> bool:
    """Whether the font maps `ch`; unmapped characters draw as .notdef (a tofu box)."""
    if ch.isspace():
        return True
    mask = _font(spec, 20).getmask(ch)
    return (mask.size, bytes(mask)) != _notdef_mask(spec)


@functools.lru_cache(maxsize=65536)
def _advance(spec: FontSpec, size: int, ch: str) -> float:
    return _font(spec, size).getlength(ch)


# --- line breaking ---------------------------------------------------------------------------

# Characters that may not start a line (JIS X 4051 gyoto kinsoku, plus ASCII equivalents).
NO_LINE_START = frozenset(
    "、。，．,.）)]｝}〕〉》」』】〙〗〟’”｠»"
    "ー‐゠–〜～・：；:;？！?!‼⁇⁈⁉ヽヾゝゞ々〻…‥"
    "ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿ"
    "%％"
)
# Characters that may not end a line.
NO_LINE_END = frozenset("（(［[｛{〔〈《「『【〘〖〝‘“｟«$＄¥￥€£#＃")

_WORD = r"[A-Za-z0-9Ａ-Ｚａ-ｚ０-９]"
_JOIN = r"[-.,_/+&'’:：－．，＿／＋·]"
_UNIT = (
    r"(?:ドル|ユーロ|ポンド|ヶ月|か月|カ月|時間|万|億|兆|千|百|十|円|元|倍|割|年|月|日|時|分|秒|"
    r"歳|人|社|件|台|個|回|位|点|枚|本|名|度|%|％)"
)
# A Latin word or model name (GPT-4o, Llama-3.1-405B, 3.5), optionally a number with units.
_UNBREAKABLE = re.compile(rf"{_WORD}+(?:{_JOIN}{_WORD}+)*(?:(?<=[0-9０-９]){_UNIT}+)?")

# Punctuation after which a break always reads well, even where BudouX saw one long phrase
# (mixed Latin and Japanese: 「Claude Code｜AIコーディング」). Not 「？」「」」: titles such as
# 「…とは？の全貌」 would then start a line with a particle.
_PHRASE_AFTER = frozenset("、。，｜：")
_DIGITS = frozenset("0123456789０１２３４５６７８９")

# Break levels for the gap before character i, best first.
_PHRASE, _CHAR, _RUN, _NEVER = 3, 2, 1, 0


@functools.lru_cache(maxsize=1)
def _parser() -> budoux.Parser:
    return budoux.load_default_japanese_parser()


def _is_kanji(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" or ch in "々〆"


_FULL_WIDTH_ALNUM = re.compile(r"[Ａ-Ｚａ-ｚ０-９]+(?:[－．，／＿＋][Ａ-Ｚａ-ｚ０-９]+)*")


def normalise_title(title: str) -> str:
    """One paragraph (editors paste line breaks and double spaces), with full-width Latin
    letters and digits as half-width: 「ＧＰＴ－４ｏ」 is set 「GPT-4o」, as Japanese
    typesetting does, instead of letter-spaced across the card."""
    text = re.sub(r"\s+", " ", title).strip()
    return _FULL_WIDTH_ALNUM.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)


def break_levels(text: str) -> list[int]:
    """levels[i] says how good a line break before text[i] is (levels[0] is unused)."""
    n = len(text)
    levels = [_CHAR] * (n + 1)
    position = 0
    for phrase in _parser().parse(text):
        position += len(phrase)
        if position < n:
            levels[position] = _PHRASE
    for i in range(1, n):
        if levels[i] == _PHRASE and _is_kanji(text[i - 1]) and _is_kanji(text[i]):
            # BudouX sometimes cuts a kanji compound (「AI中|心開発」); a compound reads as one
            # word, so only break it when it is wider than the line.
            levels[i] = _CHAR
        if text[i - 1] in _PHRASE_AFTER:
            levels[i] = _PHRASE
    for i, ch in enumerate(text):
        if ch == " " and i + 1 < n:
            # Break after a space, never before it: the space stays at the end of the line.
            levels[i + 1] = _PHRASE
            levels[i] = min(levels[i], _RUN)
    for match in _UNBREAKABLE.finditer(text):
        for i in range(match.start() + 1, match.end()):
            levels[i] = _RUN
    for i in range(1, n):
        if text[i - 1] in _DIGITS and text[i] != " ":
            # 「3ツール」「5倍」: a number stays with whatever counter follows it.
            levels[i] = min(levels[i], _RUN)
        if text[i] in NO_LINE_START or text[i - 1] in NO_LINE_END or text[i] == " ":
            levels[i] = _NEVER
    levels[0] = levels[n] = _PHRASE
    return levels


def wrap(text: str, measure: Callable[[str], float], max_width: float) -> list[str]:
    """Greedy fill: as many whole phrases as fit; a phrase wider than the line is broken between
    characters; an unbreakable run wider than the line inside the run; kinsoku never."""
    return _wrap(text, measure, max_width)[0]


def _wrap(text: str, measure, max_width: float) -> tuple[list[str], int]:
    """The lines and the worst break level they needed."""
    levels = break_levels(text)
    n = len(text)
    lines = []
    worst = _PHRASE
    start = 0
    while start < n:
        end = None
        for level in (_PHRASE, _CHAR, _RUN, _NEVER):
            end = _farthest_fit(text, levels, start, level, measure, max_width)
            if end is not None:
                break
        if end is None:  # a single character wider than the line: cannot happen with titles
            end, level = start + 1, _NEVER
        if end < n:
            worst = min(worst, level)
        lines.append(text[start:end].strip())
        start = end
        while start < n and text[start] == " ":
            start += 1
    return [line for line in lines if line], worst


def _farthest_fit(text, levels, start, level, measure, max_width) -> int | None:
    best = None
    for end in range(start + 1, len(text) + 1):
        if levels[end] < level:
            continue
        if measure(text[start:end].rstrip()) > max_width:
            # Widths only grow with more text, so nothing farther fits either.
            break
        best = end
    return best


def layout_title(title: str, font: FontSpec, max_width: int = _TITLE_WIDTH) -> TitleLayout:
    """Choose the largest size at which the title fits, and its lines."""
    text = normalise_title(title)
    lines: list[str] = []
    for size in TITLE_SIZES:
        measure = _measurer(font, size)
        lines, worst = _wrap(text, measure, max_width)
        smallest = size == TITLE_SIZES[-1]
        limit = MAX_LINES_SMALLEST if smallest else MAX_LINES
        # Cutting a word or model name is a last resort: try a smaller size first.
        if len(lines) <= limit and (worst >= _CHAR or smallest):
            return TitleLayout(lines, size, truncated=False)
    size = TITLE_SIZES[-1]
    kept = lines[:MAX_LINES_SMALLEST]
    kept[-1] = _with_ellipsis(kept[-1], _measurer(font, size), max_width)
    return TitleLayout(kept, size, truncated=True)


def _measurer(font: FontSpec, size: int) -> Callable[[str], float]:
    # Sum of cached advances: with the BASIC layout engine that is what Pillow draws, and it
    # avoids re-measuring every candidate line from scratch.
    return lambda s: sum(_advance(font, size, ch) for ch in s)


def _with_ellipsis(line: str, measure: Callable[[str], float], max_width: float) -> str:
    text = line.rstrip("、。，．,. ")
    while text and measure(text + _ELLIPSIS) > max_width:
        text = text[:-1].rstrip("、。，．,. ")
    # Do not leave an opening bracket right before the ellipsis.
    while text and text[-1] in NO_LINE_END:
        text = text[:-1]
    return text + _ELLIPSIS


def fit_text(text: str, font: ImageFont.FreeTypeFont, max_width: float) -> str:
    """One line, shortened with 「…」 if needed (labels, author, footer)."""
    text = normalise_title(text)
    if font.getlength(text) <= max_width:
        return text
    while text and font.getlength(text + _ELLIPSIS) > max_width:
        text = text[:-1]
    return text.rstrip() + _ELLIPSIS


def join_dashes(text: str, font: FontSpec) -> str:
    """「——」 as one two-em dash: two em dashes in a row show a gap between them in Noto CJK."""
    if not has_glyph(font, "\u2e3a"):
        return text
    return re.sub("[\u2014\u2015]{2}", "\u2e3a", text)


def drop_missing_glyphs(text: str, font: FontSpec) -> tuple[str, list[str]]:
    """Remove characters the font cannot draw (emoji, rare symbols) instead of drawing tofu."""
    missing = sorted({ch for ch in text if not has_glyph(font, ch)})
    if not missing:
        return text, []
    return "".join(ch for ch in text if ch not in missing), missing


# --- drawing ---------------------------------------------------------------------------------


def card_hash(card: CardInput, font: FontSpec) -> str:
    """Hex digest of everything drawn: a new value means a new file name (and URL)."""
    payload = {
        "template": TEMPLATE_VERSION,
        "title": normalise_title(card.title),
        "category": card.category,
        "author": card.author,
        "site_name": card.site_name,
        "domain": card.domain,
        "theme": [card.theme.gradient_start, card.theme.gradient_end, card.theme.accent],
        "font": font.family,
    }
    encoded = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()
    return hashlib.sha256(encoded).hexdigest()[:20]


def draw_card(card: CardInput, font: FontSpec) -> Card:
    """The finished PNG with its hash, the title layout and any warnings (in Japanese)."""
    foreground, layout, notes = draw_foreground(card, font)
    image = Image.alpha_composite(draw_background(card.theme), foreground)
    return Card(png=encode_png(image), hash=card_hash(card, font), layout=layout, warnings=notes)


def draw_background(theme: Theme) -> Image.Image:
    start, end, accent = (_rgb(c) for c in (theme.gradient_start, theme.gradient_end, theme.accent))
    mask = Image.linear_gradient("L").resize((WIDTH, HEIGHT), Image.Resampling.BILINEAR)
    image = Image.composite(
        Image.new("RGB", (WIDTH, HEIGHT), end), Image.new("RGB", (WIDTH, HEIGHT), start), mask
    )
    # Three translucent circles (the old site's design), two of them bleeding off the edges.
    # Each is pasted through a mask the size of its own box, not of the whole card.
    for (cx, cy, r), alpha in (((1090, 70, 260), 30), ((150, 640, 210), 22), ((930, 560, 110), 26)):
        circle = Image.new("L", (2 * r, 2 * r), 0)
        ImageDraw.Draw(circle).ellipse((0, 0, 2 * r - 1, 2 * r - 1), fill=alpha)
        image.paste(accent, (cx - r, cy - r, cx + r, cy + r), mask=circle)
    return image.convert("RGBA")


def draw_foreground(card: CardInput, font: FontSpec) -> tuple[Image.Image, TitleLayout, list[str]]:
    """Everything that must stay inside the safe area, on a transparent layer."""
    start, accent = _rgb(card.theme.gradient_start), _rgb(card.theme.accent)
    layer = Image.new("RGBA", (WIDTH, HEIGHT), (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    notes: list[str] = []

    label_right = _MARGIN_X
    category, dropped = drop_missing_glyphs(card.category, font)
    notes += _dropped_note("カテゴリ名", dropped)
    if category:
        label_font = _font(font, _LABEL_SIZE)
        text = fit_text(category, label_font, _TITLE_WIDTH * 0.6)
        padding = 22
        width = label_font.getlength(text) + 2 * padding
        box = (_MARGIN_X, _LABEL_TOP, _MARGIN_X + width, _LABEL_TOP + _LABEL_HEIGHT)
        draw.rounded_rectangle(box, radius=_LABEL_HEIGHT // 2, fill=accent + (255,))
        centre_y = _LABEL_TOP + _LABEL_HEIGHT / 2
        draw.text(
            (_MARGIN_X + padding, centre_y), text, font=label_font, fill=start + (255,), anchor="lm"
        )
        label_right = box[2]

    author, dropped = drop_missing_glyphs(card.author, font)
    notes += _dropped_note("著者名", dropped)
    if author:
        author_font = _font(font, 24)
        room = WIDTH - _MARGIN_X - label_right - 40
        text = fit_text(author, author_font, room)
        draw.text(
            (WIDTH - _MARGIN_X, _LABEL_TOP + _LABEL_HEIGHT / 2),
            text,
            font=author_font,
            fill=accent + (230,),
            anchor="rm",
        )

    title, dropped = drop_missing_glyphs(join_dashes(card.title, font), font)
    notes += _dropped_note("タイトル", dropped)
    layout = layout_title(title, font)
    if layout.truncated:
        notes.append("タイトルが長すぎるため、4行目の終わりを「…」で省略しました。")
    title_font = _font(font, layout.size)
    line_height = round(layout.size * LINE_HEIGHT)
    block = line_height * (len(layout.lines) - 1) + layout.size
    y = (_TITLE_TOP + _TITLE_BOTTOM - block) / 2
    for line in layout.lines:
        # An opening bracket's ink sits in the right half of its em box; at the start of a line
        # it is set half-width (as Japanese typesetting does) so the text does not look indented.
        x = _MARGIN_X - (layout.size // 2 if line[:1] in _HALF_WIDTH_AT_LINE_START else 0)
        # "ls" anchors on the baseline so lines sit evenly whatever glyphs they contain.
        draw.text(
            (x, y + layout.size * 0.88),
            line,
            font=title_font,
            fill=(255, 255, 255, 255),
            anchor="ls",
        )
        y += line_height

    draw.line((_MARGIN_X, _RULE_Y, WIDTH - _MARGIN_X, _RULE_Y), fill=accent + (170,), width=3)
    footer_font = _font(font, _FOOTER_SIZE)
    domain = fit_text(card.domain, footer_font, _TITLE_WIDTH * 0.4)
    domain_width = footer_font.getlength(domain) if domain else 0
    if domain:
        draw.text(
            (WIDTH - _MARGIN_X, _FOOTER_BASELINE),
            domain,
            font=footer_font,
            fill=accent + (230,),
            anchor="rs",
        )
    site_name, dropped = drop_missing_glyphs(card.site_name, font)
    notes += _dropped_note("サイト名", dropped)
    if site_name:
        text = fit_text(site_name, footer_font, _TITLE_WIDTH - domain_width - 40)
        draw.text(
            (_MARGIN_X, _FOOTER_BASELINE),
            text,
            font=footer_font,
            fill=(255, 255, 255, 255),
            anchor="ls",
        )
    return layer, layout, notes


def _dropped_note(what: str, dropped: Sequence[str]) -> list[str]:
    if not dropped:
        return []
    chars = "".join(dropped)
    return [f"{what}の「{chars}」はフォントにない文字のため、カードから省きました。"]


def encode_png(image: Image.Image) -> bytes:
    """A 256-colour PNG of about 30 KB (RGB would be about 95 KB): the gradient and the
    anti-aliased text survive median cut. Fast octree bands the gradient into a few stripes, and
    `optimize` costs 60 ms for 10% less. No dithering, so the same image gives the same bytes."""
    quantised = image.convert("RGB").quantize(
        colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
    )
    out = io.BytesIO()
    quantised.save(out, format="PNG")
    return out.getvalue()


def _rgb(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)


# --- uploaded replacements -------------------------------------------------------------------

OVERRIDE_FORMATS = {"PNG": "PNG", "JPEG": "JPEG", "WEBP": "WebP"}
OVERRIDE_MIN_SIZE = (1200, 630)
OVERRIDE_RATIO = 1.91
OVERRIDE_RATIO_TOLERANCE = 0.03
OVERRIDE_MAX_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class OverrideImage:
    format: str
    width: int
    height: int


def check_override_image(file: BinaryIO, size: int | None = None) -> OverrideImage:
    """Validate an uploaded replacement card; raise OverrideImageError with the reason."""
    if size is None:
        file.seek(0, io.SEEK_END)
        size = file.tell()
    file.seek(0)
    if size > OVERRIDE_MAX_BYTES:
        raise OverrideImageError(
            f"ファイルが大きすぎます（{size / 1024 / 1024:.1f} MB）。5 MB 以下にしてください。"
        )
    try:
        with warnings.catch_warnings():
            # Pillow only warns between 1x and 2x its pixel limit; an upload has no reason to
            # be that large, so both count as a decompression bomb.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file) as image:
                fmt, (width, height) = image.format, image.size
                if fmt not in OVERRIDE_FORMATS:
                    raise OverrideImageError(
                        f"画像の形式 {fmt} は使えません。PNG・JPEG・WebP のいずれかにしてください。"
                    )
                image.verify()
            file.seek(0)
            with Image.open(file) as image:
                image.load()  # verify() checks structure only; decode the pixels too
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise OverrideImageError(
            "画像のピクセル数が異常に多いため受け付けません（展開するとメモリを使い果たす"
            "おそれのある画像です）。1200x630 程度の画像を書き出し直してください。"
        ) from exc
    except OverrideImageError:
        raise
    except Exception as exc:  # Pillow raises many types for broken or non-image files
        raise OverrideImageError(
            "画像として読めません。中身が PNG・JPEG・WebP の画像ファイルか確かめてください"
            "（拡張子だけ .png に変えたファイルは使えません）。"
        ) from exc
    finally:
        file.seek(0)
    min_w, min_h = OVERRIDE_MIN_SIZE
    if width < min_w or height < min_h:
        raise OverrideImageError(
            f"画像が小さすぎます（{width}x{height}）。{min_w}x{min_h} 以上にしてください。"
        )
    ratio = width / height
    if abs(ratio / OVERRIDE_RATIO - 1) > OVERRIDE_RATIO_TOLERANCE:
        raise OverrideImageError(
            f"縦横比が {ratio:.2f}:1 です。SNS で切れないよう 1.91:1（例: 1200x630）から"
            "3% 以内にしてください。"
        )
    return OverrideImage(OVERRIDE_FORMATS[fmt], width, height)


def mime_type(fmt: str) -> str:
    return {"PNG": "image/png", "JPEG": "image/jpeg", "WebP": "image/webp"}.get(fmt, "image/png")


# --- bulk ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class JobResult:
    key: int
    hash: str
    png: bytes | None
    warnings: list[str]
    truncated: bool = False
    error: str = ""


def draw_job(job: tuple[int, CardInput, FontSpec]) -> JobResult:
    """One card for a worker process: plain data in and out, failures returned, not raised,
    so one bad title does not stop a run over thousands of posts."""
    key, card, font = job
    try:
        result = draw_card(card, font)
    except Exception as exc:  # reported per post in the command's summary
        return JobResult(key, "", None, [], error=f"{type(exc).__name__}: {exc}")
    return JobResult(key, result.hash, result.png, result.warnings, result.layout.truncated)
