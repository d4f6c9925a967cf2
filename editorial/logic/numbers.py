"""Numbers: dollar/yen pairs whose implied rate is impossible (「8,300億ドル（約1,250億円）」 is
0.15 yen to the dollar: a 万/億/兆 slip of 1000x), shares above 100%, and the same figure stated
differently within one article."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from editorial.logic.draft import (
    ERROR,
    INFO,
    WARNING,
    Config,
    Draft,
    Edit,
    Finding,
    Fix,
    SiteContext,
)
from editorial.logic.registry import check, define, finding
from editorial.logic.text import Doc

CURRENCY_OFF = define("numbers.currency_off", "ドル円換算の誤り（2倍以上ずれ）", ERROR)
CURRENCY_RATE = define("numbers.currency_rate", "想定外の為替レート", WARNING)
PERCENT_SHARE = define("numbers.percent_share", "100%を超える割合", WARNING)
INCONSISTENT = define("numbers.inconsistent", "同じ数値の食い違い", WARNING)
NOTATION = define("numbers.notation", "同じ数値の表記ゆれ", INFO)

_D = "[0-9０-９]"
_NUM = rf"{_D}+(?:[,，]{_D}{{3}})*(?:[.．]{_D}+)?"
_UNIT = "兆|億|万|千"
_AMOUNT = rf"(?:{_NUM}[ \t]*(?:{_UNIT})[ \t]*)+(?:{_NUM})?|{_NUM}"
_SPAN = rf"(?:{_AMOUNT})(?:[ \t]*[〜～~\-–][ \t]*(?:{_AMOUNT}))?"
_QUALIFIER = "以上|超|強|弱|程度|前後|余り|近く|規模"
_APPROX = "約|およそ|推定|概算"
_LEFT = r"(?<![0-9０-９.,，．])"
_DOLLAR = r"(?:米ドル|ドル|USドル)"
_DOLLAR_TO_YEN = re.compile(
    rf"{_LEFT}(?P<usd>{_SPAN})[ \t]*{_DOLLAR}[ \t]*[（(][ \t]*(?:{_APPROX})?[ \t]*"
    rf"(?P<jpy>{_SPAN})[ \t]*円[ \t]*(?:{_QUALIFIER})?[ \t]*[）)]"
)
_YEN_TO_DOLLAR = re.compile(
    rf"{_LEFT}(?P<jpy>{_SPAN})[ \t]*円[ \t]*(?:{_QUALIFIER})?[ \t]*[（(][ \t]*(?:{_APPROX})?[ \t]*"
    rf"(?P<usd>{_SPAN})[ \t]*{_DOLLAR}[ \t]*(?:{_QUALIFIER})?[ \t]*[）)]"
)
_HAS_UNIT = re.compile(_UNIT)
_TOKEN = re.compile(rf"({_NUM})[ \t]*({_UNIT})?")
_MULTIPLIER = {"兆": 10**12, "億": 10**8, "万": 10**4, "千": 10**3, None: 1, "": 1}
_RANGE_SPLIT = re.compile(r"[ \t]*[〜～~\-–][ \t]*")

_PERCENT = re.compile(rf"{_LEFT}(?P<num>{_NUM})[ \t]*[%％]")
_SHARE_BEFORE = re.compile(
    r"シェア|割合|比率|占め|のうち|普及率|利用率|導入率|構成比|回答者|正答率|精度|カバー率"
)
_SHARE_AFTER = re.compile(
    r"^(?:の(?:企業|人|回答者|ユーザー|社員|組織|世帯|国民|消費者)|が(?:回答|利用|導入|採用)|を占め)"
)
_GROWTH = re.compile(
    r"増|成長|向上|上昇|拡大|伸び|アップ|前年比|前年同期比|CAGR|倍|改善|超過|高速|削減|減|向上|上回|効率"
)
_DOLLAR_WORD = re.compile(_DOLLAR)
_PERCENT_SIGN = re.compile(r"[%％]")
_CURRENCY_WORD = re.compile(rf"{_DOLLAR}|円")
_AMOUNT_TAIL = re.compile(rf"{_LEFT}(?P<amount>{_AMOUNT})[ \t]*$")


@dataclass(frozen=True)
class Amount:
    low: float
    high: float

    @property
    def mid(self) -> float:
        return (self.low + self.high) / 2


_HALF_WIDTH = str.maketrans("０１２３４５６７８９，．", "0123456789,.")


def parse_amount(text: str) -> float:
    """「1,250億」 -> 1.25e11, 「124兆5,000億」 -> 1.245e14, 「3.5万」 -> 35000."""
    text = text.translate(_HALF_WIDTH).replace(",", "")
    total = 0.0
    for number, unit in _TOKEN.findall(text):
        total += float(number) * _MULTIPLIER[unit or None]
    return total


def parse_span(text: str) -> Amount:
    """A single amount or a range 「3〜4兆」 (the lower end borrows the upper end's unit)."""
    parts = _RANGE_SPLIT.split(text.strip(), maxsplit=1)
    if len(parts) == 1:
        value = parse_amount(parts[0])
        return Amount(value, value)
    low_text, high_text = parts
    high = parse_amount(high_text)
    if not re.search(_UNIT, low_text):
        units = re.findall(_UNIT, high_text)
        if units:
            low_text += units[0]
    return Amount(parse_amount(low_text), high)


def format_japanese(value: float, significant: int = 3) -> str:
    """125000000000000 -> 「125兆」, 2.4e11 -> 「2,400億」, 35000 -> 「3.5万」."""
    unit, scaled = "", Decimal(value)
    for name, size in (("兆", 10**12), ("億", 10**8), ("万", 10**4)):
        if value >= size:
            unit, scaled = name, Decimal(value) / size
            break
    if scaled == 0:
        return "0"
    exponent = scaled.adjusted() - significant + 1
    rounded = scaled.quantize(Decimal(1).scaleb(exponent), rounding=ROUND_HALF_UP)
    if rounded == rounded.to_integral():
        text = f"{int(rounded):,}"
    else:
        text = format(rounded.normalize(), "f")
    return text + unit


def _format_span(amount: Amount, rate: float) -> str:
    if amount.low == amount.high:
        return format_japanese(amount.low * rate)
    return f"{format_japanese(amount.low * rate)}〜{format_japanese(amount.high * rate)}"


def _format_rate(rate: float) -> str:
    return f"{rate:.2f}" if rate < 10 else f"{rate:,.0f}"


_FIELDS = ("title", "excerpt", "description", "body")


@check("numbers")
def check_numbers(draft: Draft, config: Config, context: SiteContext) -> Iterator[Finding]:
    doc = draft.doc
    pairs: dict[float, list[tuple[str, int | None, float, str]]] = {}
    for field in _FIELDS:
        text = draft.field_text(field)
        if not text:
            continue
        masked = doc.masked if field == "body" else text
        for match in _pairs(masked):
            result = _currency(match, field, doc, config)
            if result is None:
                continue
            usd, jpy, found = result
            if found is not None:
                yield found
            line = doc.line_at(match.start()) if field == "body" else None
            pairs.setdefault(usd.mid, []).append((field, line, jpy.mid, match.group()))
        yield from _percent_shares(masked, field, doc)
    yield from _inconsistent(pairs)
    yield from _notation(doc.masked, doc)


def _around(pattern: re.Pattern[str], text: str, word: re.Match[str], reach: int):
    """The match of `pattern` that contains `word`, searching only near it: far fewer attempts
    than trying the pattern at every digit of a long article. (Lookbehinds still see the text
    before the window, so a number is never read from its middle.)"""
    end = min(len(text), word.end() + reach)
    match = pattern.search(text, max(0, word.start() - reach), end)
    while match is not None and match.end() <= word.start():
        match = pattern.search(text, match.end(), end)
    if match is not None and match.start() <= word.start():
        return match
    return None


def _pairs(text: str) -> Iterator[re.Match[str]]:
    seen: set[int] = set()
    for word in _DOLLAR_WORD.finditer(text):
        for pattern in (_DOLLAR_TO_YEN, _YEN_TO_DOLLAR):
            match = _around(pattern, text, word, 70)
            if match is not None and match.start() not in seen:
                seen.add(match.start())
                yield match


def _currency(match: re.Match[str], field: str, doc: Doc, config: Config):
    usd = parse_span(match.group("usd"))
    jpy = parse_span(match.group("jpy"))
    if usd.mid <= 0 or jpy.mid <= 0:
        return None
    rate = jpy.mid / usd.mid
    low, high = config.yen_per_dollar
    if low <= rate <= high:
        return usd, jpy, None
    reference = config.reference_yen_per_dollar
    ratio = rate / reference
    corrected = _format_span(usd, reference)
    line = doc.line_at(match.start()) if field == "body" else None
    where = f"{line}行目の" if line else ""
    off = ratio < 0.5 or ratio > 2
    scale = ""
    if off:
        factor = max(ratio, 1 / ratio)
        scale = f"約{factor:,.0f}倍ずれています（桁や万・億・兆の取り違えと思われます）。"
    message = (
        f"{where}「{match.group()}」から計算すると1ドル＝{_format_rate(rate)}円です"
        f"（想定は{low:g}〜{high:g}円）。{scale}1ドル＝{reference:g}円なら約{corrected}円です。"
    )
    jpy_start, jpy_end = match.span("jpy")
    return (
        usd,
        jpy,
        Finding(
            code=CURRENCY_OFF if off else CURRENCY_RATE,
            severity=ERROR if off else WARNING,
            message=message,
            field=field,
            line=line,
            start=match.start(),
            end=match.end(),
            excerpt=match.group(),
            fix=Fix(
                f"円の額を「約{corrected}円」に直す",
                field,
                (Edit(jpy_start, jpy_end, corrected),),
            ),
        ),
    )


def _percent_shares(text: str, field: str, doc: Doc) -> Iterator[Finding]:
    for sign in _PERCENT_SIGN.finditer(text):
        match = _around(_PERCENT, text, sign, 20)
        if match is None:
            continue
        value = float(unicodedata.normalize("NFKC", match.group("num")).replace(",", ""))
        if value <= 100:
            continue
        before = text[max(0, match.start() - 15) : match.start()]
        after = text[match.end() : match.end() + 12]
        if _GROWTH.search(before[-8:]) or _GROWTH.search(after[:6]):
            continue
        if _SHARE_BEFORE.search(before) or _SHARE_AFTER.search(after):
            line = doc.line_at(match.start()) if field == "body" else None
            yield finding(
                PERCENT_SHARE,
                f"{line or ''}{'行目：' if line else ''}割合・シェアとして{match.group()}が"
                "使われていますが、全体に占める割合は100%を超えません。",
                field=field,
                line=line,
                start=match.start(),
                end=match.end(),
                excerpt=(before + match.group() + after).strip(),
            )


def _where(field: str, line: int | None) -> str:
    if line:
        return f"{line}行目"
    return {"excerpt": "リード文", "description": "メタディスクリプション"}.get(field, "タイトル")


def _inconsistent(pairs) -> Iterator[Finding]:
    for stated in pairs.values():
        values = {round(jpy, -6) for _, _, jpy, _ in stated}
        if len(values) < 2:
            continue
        lowest, highest = min(values), max(values)
        if highest <= lowest * 1.1:
            continue
        (field, line, _, first), *_ = stated
        other = max(stated, key=lambda s: abs(s[2] - stated[0][2]))
        yield finding(
            INCONSISTENT,
            f"同じドルの額が、{_where(field, line)}では「{first}」、"
            f"{_where(other[0], other[1])}では「{other[3]}」と、違う円の額で書かれています。",
            field=field,
            line=line,
            excerpt=first,
        )


def _notation(text: str, doc: Doc) -> Iterator[Finding]:
    spellings: dict[tuple[float, str], dict[str, int]] = {}
    # Find the currency words first and read the amount just before each: far fewer regex
    # attempts than trying an amount at every digit of a long article.
    for word in _CURRENCY_WORD.finditer(text):
        window_start = max(0, word.start() - 30)
        match = _AMOUNT_TAIL.search(text, window_start, word.start())
        if match is None:
            continue
        amount = match.group("amount").strip()
        if not _HAS_UNIT.search(amount):
            continue
        currency = "円" if word.group() == "円" else "ドル"
        value = parse_amount(amount)
        spellings.setdefault((value, currency), {}).setdefault(amount, match.start())
    for (_value, currency), forms in spellings.items():
        if len(forms) < 2:
            continue
        (first, first_at), (second, second_at) = sorted(forms.items(), key=lambda kv: kv[1])[:2]
        yield finding(
            NOTATION,
            f"同じ額が「{first}{currency}」（{doc.line_at(first_at)}行目）と「{second}{currency}」"
            f"（{doc.line_at(second_at)}行目）の2通りで書かれています。表記をそろえてください。",
            line=doc.line_at(second_at),
            start=second_at,
            end=second_at + len(second),
            excerpt=f"{first}{currency} / {second}{currency}",
        )
