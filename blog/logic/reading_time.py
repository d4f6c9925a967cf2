"""Reading time for mixed Japanese and English text, without Django.

Japanese is read character by character and English word by word, so the two are counted
separately and each at its own rate:

- CJK characters: hiragana, katakana (including the prolonged sound mark ー and half-width
  katakana), CJK ideographs (including 々 〆 〇 and the extension planes), full-width letters
  and digits, and Hangul syllables. Japanese punctuation and symbols (、。「」・！？ and the
  ideographic space) are NOT counted: they are not read, and counting them would make the
  estimate depend on an author's punctuation style.
- Latin words: runs of ASCII letters and digits. Runs joined by a single hyphen, apostrophe or
  period count as ONE word, so "GPT-4o", "don't" and "3.11" are one word each.
"""

import math
import re
from fractions import Fraction

_CJK_CHAR_RE = re.compile(
    "["
    "\u3041-\u309f"  # hiragana (incl. ゝゞ iteration marks)
    "\u30a1-\u30fa\u30fc-\u30ff"  # katakana incl. ー, without the middle dot ・
    "\u31f0-\u31ff"  # katakana phonetic extensions
    "\uff66-\uff9f"  # half-width katakana
    "\u3005-\u3007"  # 々 〆 〇
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # CJK ideographs, ext. A, compatibility
    "\U00020000-\U0003134f"  # CJK ideographs, extensions B and later
    "\uff10-\uff19\uff21-\uff3a\uff41-\uff5a"  # full-width digits and letters
    "\uac00-\ud7af"  # Hangul syllables
    "]"
)
_LATIN_WORD_RE = re.compile(r"[A-Za-z0-9]+(?:['’.-][A-Za-z0-9]+)*")


def reading_minutes(
    text: str, *, cjk_chars_per_minute: int = 500, words_per_minute: int = 200
) -> int:
    """Whole minutes needed to read `text` (rounded up, at least 1)."""
    if cjk_chars_per_minute <= 0 or words_per_minute <= 0:
        raise ValueError("reading rates must be positive")
    cjk_chars = len(_CJK_CHAR_RE.findall(text))
    latin_words = len(_LATIN_WORD_RE.findall(text))
    # Fractions keep e.g. 1,500 characters at 500/min at exactly 3, not 3.0000000001.
    minutes = Fraction(cjk_chars, cjk_chars_per_minute) + Fraction(latin_words, words_per_minute)
    return max(1, math.ceil(minutes))
