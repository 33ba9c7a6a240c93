"""Fault type beyond the plain cases: who else is out, shared equipment, the meter's
display, and gas appliances, which are no power fault at all."""

from __future__ import annotations

import pytest

from tests.nlu_station import ESTATE_GROUP, TOWN_GROUP, VILLAGE_GROUP, U, reading


@pytest.mark.parametrize(
    "text",
    [
        "6栋702冇电 净系我哋一户咁",
        "家里没电了，整栋楼好像只有我们这户",
        "我住的房子没电了，房东电话打不通",
        "唯独我屋企冇电 喺度等紧",
    ],
)
def test_only_my_home_out_is_a_household_outage(text: str) -> None:
    assert reading(text) == ("fault_report", "household_outage")


@pytest.mark.parametrize(
    "text",
    [
        "屋企冇电，去敲咗隔篱门，佢哋都冇",
        "我家停电了，问了楼上，他们家也是黑的",
        "家里突然没电，对面那户也没有",
    ],
)
def test_neighbours_also_out_across_a_comma_is_an_area_outage(text: str) -> None:
    assert reading(text) == ("fault_report", "area_outage")


@pytest.mark.parametrize(
    "text", ["我家没电了，楼下都没事", "屋企冇电，隔篱都冇问题", "只得我屋企冇电，对面都有"]
)
def test_neighbours_who_are_fine_keep_it_one_home(text: str) -> None:
    assert reading(text) == ("fault_report", "household_outage")


@pytest.mark.parametrize(
    "text",
    [
        "停车场那排充电桩插上去就断电",
        "车棚充电口冇反应 充唔入电",
        "小区充电站全部断电了",
    ],
)
def test_a_failed_charging_point_is_other_even_when_it_cuts_out(text: str) -> None:
    assert reading(text) == ("fault_report", "other")


def test_a_home_outage_that_also_stops_the_scooter_charging_is_still_an_outage() -> None:
    assert reading("我家停电了，电动车也充不了") == ("fault_report", "household_outage")


@pytest.mark.parametrize(
    "text",
    [
        "碧水湾3栋1单元602 电表屏幕一闪一闪，读数看不清",
        "我家个表上面的数字变来变去",
        "表上数字一直乱跳",
    ],
)
def test_a_meter_display_that_flickers_or_scrambles_is_a_meter_fault(text: str) -> None:
    assert reading(text, TOWN_GROUP) == ("fault_report", "meter")


def test_a_meter_fault_in_a_town_group_keeps_the_named_address() -> None:
    a = U.understand("荔枝园9栋2单元1502 电表显示屏乱码", TOWN_GROUP).address
    assert a is not None
    assert (a.community, a.building, a.unit, a.room) == ("荔枝园", "9", "2", "1502")


def test_damage_by_the_worker_who_fitted_the_meter_is_no_meter_fault() -> None:
    assert reading("装电表的工人把门框撞坏了") != ("fault_report", "meter")


@pytest.mark.parametrize(
    "text", ["煤气灶点唔着火 系咪坏咗", "天然气热水器打不着火", "液化气炉打火打不着怎么回事"]
)
def test_a_gas_appliance_that_will_not_light_is_no_power_fault(text: str) -> None:
    assert reading(text, VILLAGE_GROUP) == ("other", None)


@pytest.mark.parametrize("text", ["燃气热水器的插头冒烟了", "煤气灶旁边的插座着火了"])
def test_smoke_or_fire_near_a_gas_appliance_is_still_a_hazard(text: str) -> None:
    u = U.understand(text, VILLAGE_GROUP)
    assert (u.fault_type, u.urgent) == ("hazard", True)


@pytest.mark.parametrize(
    "text", ["空调滴水滴落电箱度", "排插啪的一声，跟着就冇电", "电线被风吹到贴住防盗网"]
)
def test_water_on_a_box_a_pop_from_a_socket_and_a_wire_touching_are_hazards(text: str) -> None:
    u = U.understand(text, ESTATE_GROUP)
    assert (u.fault_type, u.urgent) == ("hazard", True)


def test_a_forced_box_lock_is_tampering() -> None:
    assert reading("配电箱的锁给人撬坏了") == ("fault_report", "other")


@pytest.mark.parametrize("text", ["小区门口道闸冇电，车出唔去", "楼梯感应灯失灵"])
def test_gates_and_sensor_lights_are_shared_equipment(text: str) -> None:
    assert reading(text) == ("fault_report", "other")


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("屋企冇电，成座都冇", "area_outage"),
        ("停咗成个钟喇，几时有电", "area_outage"),
        ("5栋几时恢复供电", "area_outage"),
    ],
)
def test_a_whole_block_and_an_outage_still_going_on(text: str, kind: str) -> None:
    assert reading(text) == ("fault_report", kind)


def test_water_off_for_hours_is_not_a_power_outage() -> None:
    assert reading("自来水停了两个小时了") == ("other", None)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("有冇人屋企都冇电？", "area_outage"),
        ("整个屋企冇电，隔篱有", "household_outage"),
        ("全屋没电了，总开关没跳", "household_outage"),
        ("我屋企冇电，对面阿婆屋企有电", "household_outage"),
        ("是不是只有我屋企冇电", "household_outage"),
    ],
)
def test_whose_home_is_meant(text: str, kind: str) -> None:
    assert reading(text) == ("fault_report", kind)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("客厅灯一会儿亮一会儿暗", "voltage"),
        ("电表上面那个灯一直乱闪", "meter"),
        ("充咗值都用唔到电", "meter"),
        ("有人喺楼道飞线充电", "other"),
        ("屋企跳炸咗", "trip"),
        ("6栋来点了吗", "area_outage"),
        ("power off 8栋", "area_outage"),
    ],
)
def test_more_ways_to_say_a_fault(text: str, kind: str) -> None:
    assert reading(text) == ("fault_report", kind)


def test_a_branch_blown_onto_a_wire_is_a_hazard() -> None:
    u = U.understand("台风把树枝刮到电线上面", VILLAGE_GROUP)
    assert (u.fault_type, u.urgent) == ("hazard", True)


def test_a_neighbour_saying_the_same_makes_it_an_area_outage() -> None:
    assert reading("屋企冇电，问过隔篱，佢话都系") == ("fault_report", "area_outage")


def test_a_neighbour_saying_the_same_about_having_power_is_no_outage() -> None:
    assert reading("我家有电，对面也是，就是楼道灯不亮") == ("fault_report", "other")


def test_a_shared_charging_point_that_keeps_tripping_is_other() -> None:
    assert reading("车库的充电桩成日跳，充唔到") == ("fault_report", "other")


def test_a_home_socket_that_trips_the_breaker_is_still_a_trip() -> None:
    assert reading("插座一插就跳闸") == ("fault_report", "trip")


def test_a_meter_that_keeps_flashing_is_a_meter_fault() -> None:
    assert reading("电表一直不停闪，系咪坏咗") == ("fault_report", "meter")


def test_a_lift_that_trips_the_home_breaker_is_a_trip() -> None:
    assert reading("电梯一停我家就跳闸") == ("fault_report", "trip")


def test_a_form_is_no_meter() -> None:
    assert reading("申请表上少了一个字") == ("other", None)
