"""Voice slips of 合 next to a breaker, rude staff as complaints, a known fault
pointed at (那根...几时修好) as progress, and a village house number after 我家."""

from __future__ import annotations

import pytest

from tests.nlu_station import ESTATE_GROUP, VILLAGE_GROUP, make_understander

U = make_understander()


def read(text: str, group: str = ESTATE_GROUP):
    return U.understand(text, group)


@pytest.mark.parametrize(
    "text",
    ["漏保盒唔上 搞咗半个钟 碧水湾8栋1单元1203", "空开何不上去 屋里面黑晒 荔枝园2座506"],
)
def test_he_for_he_next_to_a_breaker_is_a_trip_report(text: str) -> None:
    u = read(text)
    assert (u.intent.value, u.fault_type.value) == ("fault_report", "trip")
    assert u.address.room is not None


def test_a_river_is_no_breaker() -> None:
    assert read("龙塘河边嗰条路好多蚊").intent.value == "other"


@pytest.mark.parametrize(
    "text",
    [
        "上个礼拜打热线问电费 话务员直接挂咗我电话",
        "维修班那个师傅语气好凶 问两句就黑面",
        "营业厅的工作人员骂人 问个户号被吼",
    ],
)
def test_rude_staff_are_a_complaint(text: str) -> None:
    assert read(text).intent.value == "complaint"


@pytest.mark.parametrize(
    "text", ["我老公说话好冲 今朝又被骂", "我先挂电话了 师傅到了再讲", "接线员态度很好 多谢"]
)
def test_rudeness_not_about_staff_or_a_hung_up_call_of_ones_own_is_none(text: str) -> None:
    assert read(text).intent.value != "complaint"


def test_an_operator_is_no_wire() -> None:
    assert read("接线员讲要等两个钟").intent.value != "fault_report"


@pytest.mark.parametrize(
    "text", ["白石嗰条断咗的电线几时整好", "龙塘那棵压线的树明天能锯走吗", "那个烧了的电箱修好了没"]
)
def test_a_known_fault_pointed_at_asks_progress(text: str) -> None:
    assert read(text, VILLAGE_GROUP).intent.value == "progress_query"


@pytest.mark.parametrize("text", ["电线杆倒咗 快啲嚟 白石村口", "那条电线着火了 快来"])
def test_a_hazard_said_now_stays_urgent(text: str) -> None:
    u = read(text, VILLAGE_GROUP)
    assert (u.intent.value, u.fault_type.value, u.urgent) == ("fault_report", "hazard", True)


@pytest.mark.parametrize("text", ["龙塘三队 灯一闪一闪 我屋企18号", "白石村 门牌6号 冇电"])
def test_a_village_house_number_after_home_is_the_room(text: str) -> None:
    assert read(text, VILLAGE_GROUP).address_in_text.room in ("18", "6")


def test_a_day_after_home_is_no_house_number() -> None:
    assert read("龙塘村 我家12号那天停过电", VILLAGE_GROUP).address_in_text.room is None
