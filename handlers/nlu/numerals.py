"""Chinese numerals inside an address span, turned into Arabic digits.

Only address spans are converted (十二栋 -> 12, 五零一 -> 501); the rest of a
message keeps its words (一直, 十万火急). Two readings exist: positional
(二十一 -> 21, 一百零二 -> 102) when 十/百 appear, and digit by digit
(五零一 -> 501, 一零零二 -> 1002) otherwise, which is how room numbers are read.
廿 and 卅 are read as 二十 and 三十.
"""

from __future__ import annotations

DIGITS = {
    "零": 0, "〇": 0, "○": 0, "洞": 0,
    "一": 1, "幺": 1, "壹": 1,
    "二": 2, "两": 2, "贰": 2,
    "三": 3, "叁": 3,
    "四": 4, "肆": 4,
    "五": 5, "伍": 5,
    "六": 6, "陆": 6,
    "七": 7, "柒": 7,
    "八": 8, "捌": 8,
    "九": 9, "玖": 9,
}  # fmt: skip
UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
# Written shorthands for tens: 廿 is 二十 and 卅 is 三十 (廿一队 -> 21).
TENS = str.maketrans({"廿": "二十", "卅": "三十"})
NUMERAL_CHARS = "".join(DIGITS) + "".join(UNITS) + "廿卅0123456789"


def to_digits(span: str) -> str | None:
    """'12', '十二', '五零一' or '一百零二' as a digit string without leading zeros."""
    if not span:
        return None
    span = span.translate(TENS)
    if span.isascii():
        return (span.lstrip("0") or "0") if span.isdigit() else None
    if any(ch in UNITS for ch in span):
        value = _positional(span)
    else:
        if any(ch not in DIGITS and not ch.isdigit() for ch in span):
            return None
        value = int("".join(str(DIGITS.get(ch, ch)) for ch in span))
    return None if value is None else str(value)


def _positional(span: str) -> int | None:
    """十二 -> 12, 二十一 -> 21, 一百零二 -> 102, 十 -> 10."""
    total, digit = 0, None
    for ch in span:
        if ch in DIGITS:
            digit = DIGITS[ch]
        elif ch.isdigit():
            digit = int(ch)
        elif ch in UNITS:
            total += (1 if digit is None else digit) * UNITS[ch]
            digit = None
        else:
            return None
    return total + (digit or 0)
