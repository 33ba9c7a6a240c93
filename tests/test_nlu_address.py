"""Addresses: community, building, unit and room, per the contract."""

from __future__ import annotations

import pytest

from handlers.nlu.models import Address
from tests.nlu_station import (
    DIGIT_GROUP,
    ESTATE_GROUP,
    TOWN_GROUP,
    VILLAGE_GROUP,
    make_understander,
)

U = make_understander()


def address(text: str, group: str | None = TOWN_GROUP) -> tuple[str | None, ...]:
    a = U.understand(text, group).address
    assert a is not None, text
    return (a.community, a.building, a.unit, a.room)


def test_building_unit_room_in_digits() -> None:
    assert address("碧水湾5栋3单元702停电了") == ("碧水湾", "5", "3", "702")


def test_chinese_numerals_convert_only_inside_address() -> None:
    u = U.understand("一直冇电 十万火急 七栋二单元六零三", ESTATE_GROUP)
    assert u.intent == "fault_report"
    assert u.address == Address(community="碧水湾", building="7", unit="2", room="603")


@pytest.mark.parametrize(
    ("text", "building"),
    [("二十二栋全部停电", "22"), ("第十栋停电了", "10"), ("十九幢冇电", "19"), ("三座停电", "3")],
)
def test_positional_chinese_numbers_give_the_building(text: str, building: str) -> None:
    assert address(text, ESTATE_GROUP)[1] == building


def test_dash_shorthand_is_building_unit_room() -> None:
    assert address("4-1-1102 家里冇电 隔篱有电", ESTATE_GROUP) == ("碧水湾", "4", "1", "1102")


@pytest.mark.parametrize("text", ["6#楼停电了", "6号楼停电了", "6幢停电了", "6栋楼停电了"])
def test_building_markers(text: str) -> None:
    assert address(text, ESTATE_GROUP)[1] == "6"


def test_hash_building_followed_by_unit_and_room() -> None:
    assert address("6#3单元801跳闸", ESTATE_GROUP) == ("碧水湾", "6", "3", "801")


def test_lettered_block_is_upper_case_and_room_follows() -> None:
    assert address("c座1502房 家里跳闸了", ESTATE_GROUP) == ("碧水湾", "C", None, "1502")


def test_room_marked_with_shi() -> None:
    assert address("2栋1单元903室 冇电", ESTATE_GROUP)[3] == "903"


def test_floor_is_not_a_room() -> None:
    assert address("2栋15楼整层停电 其他楼层有电", ESTATE_GROUP) == ("碧水湾", "2", None, None)


def test_village_group_and_house_number() -> None:
    assert address("龙塘村四组二十三号 屋企冇电 隔篱有") == ("龙塘村", "4", None, "23")


def test_village_team_after_alias() -> None:
    assert address("龙塘七队又停电") == ("龙塘村", "7", None, None)


def test_village_house_number_without_group() -> None:
    assert address("白石村8号跳闸") == ("白石村", None, None, "8")


def test_alias_with_digit_is_community_not_building() -> None:
    assert address("海景1号2栋停电") == ("海景1号", "2", None, None)
    assert address("海景一号十二栋停电") == ("海景1号", "12", None, None)


def test_group_community_is_the_default() -> None:
    assert address("3栋停电了", DIGIT_GROUP) == ("海景1号", "3", None, None)


def test_text_overrides_group_community() -> None:
    assert address("我系荔园嘅 5栋冇电", ESTATE_GROUP) == ("荔枝园", "5", None, None)


def test_address_kept_when_community_unknown() -> None:
    assert address("8栋2单元停电了", TOWN_GROUP) == (None, "8", "2", None)
    assert address("8栋2单元停电了", None) == (None, "8", "2", None)
    assert address("8栋2单元停电了", "某个陌生群") == (None, "8", "2", None)


def test_landmark_next_to_building_still_gives_building() -> None:
    assert address("9栋对面的电线冒火花", ESTATE_GROUP)[1] == "9"


def test_homophone_typo_in_community_name() -> None:
    assert address("荔枝圆3栋停电")[:2] == ("荔枝园", "3")


def test_phone_number_is_not_a_room() -> None:
    assert address("6栋2单元停电 电话13912345678", ESTATE_GROUP)[3] is None


def test_full_width_digits() -> None:
    assert address("１２栋３单元５０２跳闸", ESTATE_GROUP) == ("碧水湾", "12", "3", "502")


def test_room_kept_in_area_outage() -> None:
    u = U.understand("5栋2单元1101 我们整个单元都冇电", ESTATE_GROUP)
    assert u.fault_type == "area_outage"
    assert u.address is not None and u.address.room == "1101"


def test_address_is_null_for_other_intents_but_kept_in_text() -> None:
    u = U.understand("我是5栋的 听说明天停电吗", ESTATE_GROUP)
    assert u.intent == "outage_query"
    assert u.address is None
    assert u.address_in_text == Address(building="5")


def test_village_group_gives_its_village_to_a_bare_group_number() -> None:
    assert address("我哋3组又冇电", VILLAGE_GROUP) == ("龙塘村", "3", None, None)


@pytest.mark.parametrize("text", ["5栋的502 屋企冇电 隔篱有电", "5栋502号跳闸"])
def test_room_after_building_with_de_or_hao(text: str) -> None:
    assert address(text, ESTATE_GROUP)[1:] == ("5", None, "502")


def test_cantonese_ti_is_a_unit() -> None:
    assert address("3座2梯501停电", ESTATE_GROUP)[1:] == ("3", "2", "501")


def test_room_after_a_floor_is_kept_and_the_floor_dropped() -> None:
    assert address("3栋2单元5楼501跳闸", ESTATE_GROUP)[1:] == ("3", "2", "501")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("我系三组嘅陈伯 今年八十二岁 屋企冇电 隔篱有电", ("龙塘村", "3", None, None)),
        ("二组15号 屋企啲灯全部唔着 阿婆七十五岁", ("龙塘村", "2", None, "15")),
        ("我七十八岁 一个人住 屋企冇电", ("龙塘村", None, None, None)),
    ],
)
def test_ages_in_a_villagers_report_are_not_addresses(
    text: str, expected: tuple[str | None, ...]
) -> None:
    assert address(text, VILLAGE_GROUP) == expected


def test_durations_counts_and_temperatures_are_not_addresses() -> None:
    assert address("停电两个星期第三次了 住咗二十年 今日38度", ESTATE_GROUP) == (
        "碧水湾",
        None,
        None,
        None,
    )


@pytest.mark.parametrize(
    ("text", "unit", "room"),
    [
        ("碧水湾八栋两单元幺零零二冇电", "2", "1002"),
        ("荔枝园六座两单元两零幺 停电了", "2", "201"),
        ("碧水湾3栋一单元幺幺零幺停点了", "1", "1101"),
    ],
)
def test_spoken_yao_and_liang_in_a_unit_or_room(text: str, unit: str, room: str) -> None:
    assert address(text)[2:] == (unit, room)


def test_liang_counting_buildings_is_no_building_number() -> None:
    assert address("碧水湾两栋楼都停电了")[1] is None


def test_one_stair_two_homes_is_a_layout_not_a_unit() -> None:
    assert address("碧水湾一梯两户都没电")[2] is None
