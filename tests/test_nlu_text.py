"""Normalisation and numerals: the clean-up every rule relies on."""

from __future__ import annotations

import re

import pytest

from bot.config import DEFAULT_KB_DIR
from handlers.nlu.numerals import to_digits
from handlers.nlu.rules import Rules
from handlers.nlu.words import alt, any_of

normalize = Rules.load(DEFAULT_KB_DIR).normalize


def test_traditional_becomes_simplified() -> None:
    assert normalize("屋企冇電 隔籬有電") == "屋企冇电 隔篱有电"


def test_full_width_digits_letters_and_space_become_ascii() -> None:
    assert normalize("Ｂ座１２０３　跳闸！") == "B座1203 跳闸!"


def test_known_typos_are_put_right() -> None:
    assert normalize("跳匝了 电亚低 林居有电") == "跳闸了 电压低 邻居有电"


def test_normalize_keeps_chinese_numerals_in_words() -> None:
    assert normalize("一直停电 十万火急") == "一直停电 十万火急"


@pytest.mark.parametrize(
    ("span", "digits"),
    [
        ("12", "12"),
        ("012", "12"),
        ("十二", "12"),
        ("二十一", "21"),
        ("一百零二", "102"),
        ("五零一", "501"),
        ("一零零二", "1002"),
        ("十", "10"),
    ],
)
def test_to_digits(span: str, digits: str) -> None:
    assert to_digits(span) == digits


def test_to_digits_rejects_non_numbers() -> None:
    assert to_digits("") is None
    assert to_digits("栋") is None


def test_cantonese_characters_survive_simplification() -> None:
    assert normalize("嗰個電錶冇嘢顯示") == "嗰个电表冇嘢显示"


def test_typo_fixes_leave_ordinary_words_alone() -> None:
    assert normalize("楼下那家店停店了 打银行电话问下") == "楼下那家店停店了 打银行电话问下"
    assert normalize("住户好多") == "住户好多"


@pytest.mark.parametrize(
    ("patterns", "text", "found"),
    [
        (["线(?<![网光]线)", "电(?<!充电)"], "网线 光线 充电", False),
        (["线(?<![网光]线)", "电(?<!充电)"], "网线 电线", True),
        (["(好|很)?暗", "闪"], "灯好暗", True),
        ([r"\d+号", "(?<!x)y"], "xy 9号", True),  # a look-behind first: no look-ahead, same answer
        (["a?", "b"], "zzz", True),  # may match the empty string: no look-ahead either
    ],
)
def test_any_of_finds_what_the_plain_alternation_finds(
    patterns: list[str], text: str, found: bool
) -> None:
    assert bool(any_of(patterns).search(text)) is found
    assert bool(re.search(alt(patterns), text)) is found


def test_any_of_leads_with_the_characters_a_match_can_start_with() -> None:
    assert any_of(["停电", "(冇|没)电"]).pattern.startswith("(?=[停冇没])")


def test_traditional_zhe_becomes_the_zhao_of_catching_fire() -> None:
    assert normalize("電線著火 啲燈唔著") == "电线着火 啲灯唔着"
