"""Where a message says the problem is: community, building, unit and room.

The community is found by name or alias (also through homophone typos, 幸福花圆),
and its span is masked before numbers are read, so an alias holding a digit
(滨江1号) never becomes a building. Buildings, units and rooms come from one
token regex; Chinese numerals are converted only inside those tokens.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import ahocorasick

from bot.config import Community, CommunityKind
from handlers.nlu.models import Address
from handlers.nlu.numerals import to_digits

VILLAGE_MARK, ESTATE_MARK = "\ue000", "\ue001"

N = "[0-9零〇○一二三四五六七八九十百幺廿卅]{1,4}"  # a building, unit or group number
# Spoken digits: 幺 is 1 and 两 is 2 in a room (幺幺零三) or with 单元 (两单元); 两栋
# counts buildings, so 两 alone is never a building.
ROOM = "[0-9]{3,4}|[零〇○一二三四五六七八九幺两]{3,4}"  # a room number, read digit by digit
STAIR = "梯(?!子|级|[0-9一二两三四五六七八九]户)"  # 2梯 is a unit; 一梯两户 is a layout
_TOKENS = re.compile(
    rf"(?<![\d\-])(?P<sb>\d{{1,3}})\s*[-—_]\s*(?P<su>\d{{1,2}})\s*[-—_]\s*(?P<sr>\d{{3,4}})(?![\d\-])"
    rf"|第?(?P<b>{N}|(?<![A-Za-z])[A-Za-z])\s*(?:号楼|号栋|栋|幢|座|#|[洞冻](?!口|里|穴))"
    rf"|第?(?P<u>{N}(?=\s*(?:单元|{STAIR}))|两(?=\s*单元))\s*(?:单元|{STAIR})"
    rf"|(?P<f>{N})\s*(?:楼|层)(?![梯道下上顶面房])"
    rf"|(?P<rm>{ROOM}|[0-9]{{1,5}})\s*(?:室|号房|房(?!子|间|屋|东))"
    rf"|第?(?P<g>{N})\s*(?:组|队|社)(?![织合长员])"
    rf"|(?P<h>{N})\s*号(?![楼栋码线])"
    rf"|(?<![\d.:：*])(?P<r>{ROOM})(?![\d.:：*点度元块蚊号楼层%年月日天个])"
)
# Reporting for someone else (帮我妈报, 她住12栋, 我爸屋企): their place is where the
# fault is, not the speaker's own one named before.
_KIN = "(她|他|佢|我妈|我爸|老妈|老爸|阿妈|阿爸|老豆|父母|爸妈|我哥|我姐|我弟|我妹|我仔|我女|亲戚|朋友|老人家?|爷爷|奶奶|外婆|外公|阿婆|阿公|婆婆)"
_FOR_OTHERS = re.compile(
    rf"(帮|替|代)[^，,。]{{0,6}}(报|反映|问)|(?<![其吉]){_KIN}(自己|一个人)?(住|家|屋企|嗰度|那边|那里)(?!人)"
)
# 我不是金域的: a community named only to be denied.
_DENIED = re.compile(r"(不是|唔系|并非|不系|不住|唔住|不在|唔喺)(住)?(在|喺)?$")
# 我家29号 / 门牌12号: the speaker's house number in a village, not a date.
_HOUSE = re.compile(r"(我家|我们家|我屋企|我哋屋企|屋企|门牌号?|家住)(是|系|喺|在|住)?\s*$")
_NOT_HOUSE = re.compile(r"(那天|嗰日|晚|早|上午|下午|中午|开始|起|前|后|之前|之后|到|至|交|停)")
_ADJACENT = re.compile(r"[\s\-—_,，、/的嘅]*")
_PLACE_WORDS = re.compile(
    rf"[{VILLAGE_MARK}{ESTATE_MARK}](?:小区|村)?"
    rf"|第?(?:{N}|(?<![A-Za-z])[A-Za-z])\s*(?:号楼|号栋|栋|幢|座|#)|第?{N}\s*单元|(?:{ROOM})\s*(?:室|号房)"
)


def without_place(masked: str) -> str:
    """A masked text without its place words: what a FAQ question is left with."""
    return _PLACE_WORDS.sub("", masked)


@dataclass(frozen=True, slots=True)
class _Place:
    name: str
    kind: CommunityKind


class AddressParser:
    """Reads addresses for one station's communities."""

    def __init__(self, communities: Iterable[Community], homophones: Iterable[str] = ()) -> None:
        # Sound-alike characters (kb/words/homophones.txt) read as the one names use.
        self._sounds = str.maketrans({ch: group[0] for group in homophones for ch in group[1:]})
        self._exact = ahocorasick.Automaton()
        self._shadow = ahocorasick.Automaton()
        for c in communities:
            for key in {c.name, *c.aliases}:
                self._exact.add_word(key, (len(key), _Place(c.name, c.kind)))
                if len(key) >= 3:  # two-character aliases match exactly only
                    shadow = key.translate(self._sounds)
                    self._shadow.add_word(shadow, (len(key), _Place(c.name, c.kind)))
        for automaton in (self._exact, self._shadow):
            if len(automaton):
                automaton.make_automaton()

    def parse(self, text: str) -> tuple[Address, str]:
        """The address the text itself names (no group default), and the text with
        community names masked, so later rules never read an alias's digits."""
        place, masked = self._community(text)
        fields = _numbers(masked)
        if (other := _FOR_OTHERS.search(masked)) is not None:
            theirs = _numbers(masked[other.end() :])
            if theirs["building"] or theirs["room"]:
                fields = theirs
        return Address(community=place.name if place else None, **fields), masked

    def _community(self, text: str) -> tuple[_Place | None, str]:
        """The first community named, and the text with every named one masked."""
        found: list[tuple[int, int, _Place]] = []
        shadow = text.translate(self._sounds)
        for automaton, haystack in ((self._exact, text), (self._shadow, shadow)):
            if automaton.kind != ahocorasick.AHOCORASICK:
                continue
            for end, (length, place) in automaton.iter_long(haystack):
                found.append((end - length + 1, end + 1, place))
        if not found:
            return None, text
        found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
        kept = [found[0]]
        for span in found[1:]:
            if span[0] >= kept[-1][1]:
                kept.append(span)
        chosen = _where_meant(text, kept)
        for start, end, place in reversed(kept):
            mark = VILLAGE_MARK if place.kind is CommunityKind.village else ESTATE_MARK
            text = text[:start] + mark + text[end:]
        return chosen, text


def _where_meant(text: str, kept: list[tuple[int, int, _Place]]) -> _Place | None:
    """The community meant: not one denied (我不是金域的), and after 帮我妈报 / 她住 the
    other person's one. None when every community named is denied."""
    named = [(s, p) for s, _, p in kept if not _DENIED.search(text, max(0, s - 4), s)]
    if (other := _FOR_OTHERS.search(text)) is not None:
        theirs = [p for s, p in named if s >= other.start()]
        if theirs:
            return theirs[0]
    return named[0][1] if named else None


def _numbers(text: str) -> dict[str, str | None]:
    """Building, unit and room from the tokens of a community-masked text."""
    out: dict[str, str | None] = {"building": None, "unit": None, "room": None}
    prev: tuple[str, int] = ("", -1)  # kind and end of the previous address token

    def put(field: str, value: str | None) -> None:
        if out[field] is None and value:
            out[field] = value

    for m in _TOKENS.finditer(text):
        near = prev[1] >= 0 and _ADJACENT.fullmatch(text, prev[1], m.start()) is not None
        if m["sb"]:
            put("building", to_digits(m["sb"]))
            put("unit", to_digits(m["su"]))
            put("room", to_digits(m["sr"]))
        elif m["b"]:
            put("building", _building(m["b"]))
        elif m["u"]:
            put("unit", to_digits(m["u"]))
        elif m["rm"]:
            put("room", to_digits(m["rm"]))
        elif m["g"]:
            put("building", to_digits(m["g"]))
        elif m["h"]:
            village = text[max(0, m.start() - 1) : m.start()] in (VILLAGE_MARK, "村")
            house = _HOUSE.search(text, max(0, m.start() - 6), m.start()) is not None
            house = house and VILLAGE_MARK in text and not _NOT_HOUSE.match(text, m.end())
            if village or house or (near and prev[0] in ("g", "b", "u", "f")):
                put("room", to_digits(m["h"]))
        elif m["r"] and near and prev[0] in ("b", "u", "f"):
            put("room", to_digits(m["r"]))
        prev = (m.lastgroup or "", m.end())
    return out


def _building(raw: str) -> str | None:
    return raw.upper() if raw.isascii() and raw.isalpha() else to_digits(raw)
