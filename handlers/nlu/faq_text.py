"""What in a message's wording counts for the FAQ match, and what does not.

Filler (politeness, particles, addressing) carries no meaning; a place the
speaker sets aside (除了营业厅还能去哪交, 没空跑营业厅) must not pull that place's
entry; a thank-you that asks nothing is not a question.
"""

from __future__ import annotations

import re

# Politeness, particles, addressing and 'does anyone know' carry no meaning for the match.
FILLER = re.compile(
    r"有没有人知道?|有人知道?|谁知道|边个知|请问|问下|问一下|想问|你好|您好|麻烦|唔该|师傅|大家|各位|群主|谢谢|多谢|一个|个|"
    r"[啊呀吗呢吧啦哦喔嘛咧哈呗哇嗯噢㗎啩喎啰咯嘞呃诶哎唉丫哩嘅咩]"
)
RUN = re.compile(r"[^\W_]+")
NUMBER = re.compile(r"\d+")
# "Besides X, ..." or "no time to go to X" asks about something other than X.
_EXCEPT = re.compile(
    r"(?:除了(?:去|在|用)?|(?:不想|没空|没时间|懒得|不方便|不用|不要|不得闲|不能)再?(?:去|跑|到)(?:一趟)?)"
    r"([^,，。!！?？\s]{1,8}?)(?=还|以外|之外|外|交|缴|办|排队|那边|了|[,，。!！?？\s]|$)"
)
# Asking on someone's behalf (帮奶奶问, 替我妈咨询下) frames the question; the person
# named there is not its subject, so 帮老人问 must not pull the paying-for-the-elderly entry.
_ON_BEHALF = re.compile(r"(?:帮|替|代)[^,，。!！?？:：\s]{1,4}?(?:问|咨询)(?:一?下)?")
# A thank-you with no question in it closes a conversation; it asks nothing.
_THANKS = re.compile(r"谢谢|多谢|唔该晒|辛苦|感谢|thank")
_QUESTION = re.compile(
    r"[?？吗么呢]|怎么|为什么|哪里|什么|多少|多久|几|谁|是不是|能不能|可不可以|可以|有没有|要不要|会不会|请问|想问"
)


def set_aside(normalized: str) -> str:
    """The text without what it sets aside: 除了营业厅还能去哪交 drops 营业厅 everywhere,
    so a story that went to the business hall before does not pull that entry. The
    framing 帮奶奶问 goes too."""
    normalized = _ON_BEHALF.sub(" ", normalized)
    found = {m.group(1) for m in _EXCEPT.finditer(normalized)}
    normalized = _EXCEPT.sub("", normalized)
    for word in found:
        normalized = normalized.replace(word, " ")
    return normalized


def is_thanks(normalized: str) -> bool:
    """A thank-you with no question in it (谢谢师傅, 来电了多谢)."""
    return _THANKS.search(normalized) is not None and _QUESTION.search(normalized) is None
