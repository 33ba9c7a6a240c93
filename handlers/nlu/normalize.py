"""Text clean-up before any rule runs: one canonical spelling of a message.

Traditional characters become Simplified (OpenCC t2s), full-width digits, letters
and punctuation become ASCII, and common typos, homophones and voice-to-text
slips are put right (跳匝 -> 跳闸, 电亚 -> 电压): the `[错别字]` section of
kb/synonyms.txt, which admins extend.
"""

from __future__ import annotations

import re

import opencc

_T2S = opencc.OpenCC("t2s")
# Full-width ASCII block (！ to ～) to ASCII, ideographic space to space.
_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
# OpenCC writes some everyday Cantonese characters in a rare form; keep the usual one.
# 著 stays 著 after t2s, but in 著火, 唔著, 著晒灯 it is the 着 the rules look for.
_CANTONESE = str.maketrans({"𠮶": "嗰", "㶶": "燶", "著": "着"})
# The length said inside the verb (停了好几天电, 要停两个钟电) is put after it (停电了好几天),
# so every rule that looks for 停电 sees it.
_SPLIT_OUTAGE = re.compile(
    r"停(了|咗)?((?:好几|几|两|三|四|五|一|半|成|整){1,2}个?(?:天|日|晚|钟头|钟|小时))的?电"
)


class Normalizer:
    """`normalizer(text)`: the message in Simplified Chinese, half-width, typos fixed."""

    def __init__(self, typos: dict[str, str]) -> None:
        self.typos = dict(typos)
        words = sorted(map(re.escape, self.typos), key=len, reverse=True)
        self._typo = re.compile("|".join(words)) if words else None

    def __call__(self, text: str) -> str:
        text = _T2S.convert(text.translate(_WIDTH)).translate(_CANTONESE)
        text = _SPLIT_OUTAGE.sub(lambda m: f"停电{m.group(1) or ''}{m.group(2)}", text)
        if self._typo is None:
            return text
        return self._typo.sub(lambda m: self.typos[m.group()], text)
