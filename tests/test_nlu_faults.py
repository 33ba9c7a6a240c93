"""Fault type and urgency: precedence, who has power, hazards and life support."""

from __future__ import annotations

import pytest

from tests.nlu_station import ESTATE_GROUP, VILLAGE_GROUP, make_understander

U = make_understander()


def fault(text: str, group: str = ESTATE_GROUP) -> tuple[str | None, bool]:
    u = U.understand(text, group)
    assert u.intent == "fault_report", text
    return (u.fault_type, u.urgent)


@pytest.mark.parametrize(
    "text",
    [
        "路口有条电线断咗跌落地",
        "楼下电线拖在地上 小朋友在旁边",
        "电线杆顶上一直冒火花",
        "配电箱冒黑烟",
        "电表箱有股烧焦味",
        "村口电杆被车撞倒了",
        "大树倒下来压住了电线",
        "变压器刚才嘭的一声爆了",
        "有个阿伯掂到电线触电了",
        "铁栏杆带电 摸到会麻",
        "电缆着火了",
    ],
)
def test_hazards_are_urgent(text: str) -> None:
    assert fault(text) == ("hazard", True)


def test_hazard_beats_the_outage_it_causes() -> None:
    assert fault("变压器爆炸咗 成条村冇电", VILLAGE_GROUP) == ("hazard", True)


@pytest.mark.parametrize(
    "text",
    [
        "屋企停电 阿爸用紧制氧机",
        "我妈在家用呼吸机 突然没电了",
        "老公要做透析 停电了机器用不了",
        "家里有卧床的老人 停电好热",
        "停电了 阿婆瘫痪在床 热到出汗",
    ],
)
def test_life_support_makes_any_fault_urgent(text: str) -> None:
    assert fault(text)[1] is True


def test_plain_outage_is_area_and_not_urgent() -> None:
    assert fault("停电了") == ("area_outage", False)
    assert fault("又冇电啦") == ("area_outage", False)


@pytest.mark.parametrize(
    "text", ["我家没电了 邻居都有电", "屋企冇电 隔篱有", "家里没电了 对门是有电的", "就我家停电了"]
)
def test_only_my_home_is_household_outage(text: str) -> None:
    assert fault(text)[0] == "household_outage"


@pytest.mark.parametrize(
    "text", ["我家没电 隔壁也没电", "我屋企冇电 楼上楼下都冇", "我家跟邻居都停电了", "整栋楼都黑了"]
)
def test_neighbours_without_power_make_area_outage(text: str) -> None:
    assert fault(text)[0] == "area_outage"


@pytest.mark.parametrize(
    "text", ["家里跳闸了合不上", "漏保成日跳", "空开一推上去就跳下来", "总掣跳咗推唔上"]
)
def test_trips(text: str) -> None:
    assert fault(text)[0] == "trip"


def test_breaker_that_did_not_trip_is_not_a_trip() -> None:
    assert fault("家里没电 空开没跳 邻居有电")[0] == "household_outage"


@pytest.mark.parametrize(
    "text",
    [
        "电压好低 冷气开唔到",
        "灯一闪一闪的",
        "电压忽高忽低 烧咗个电饭煲",
        "晚上灯光好暗 风扇转得很慢",
    ],
)
def test_voltage(text: str) -> None:
    assert fault(text)[0] == "voltage"


@pytest.mark.parametrize(
    "text",
    ["电表不走了", "电表屏幕一片黑 什么都不显示", "卡表充咗钱仲系冇电", "电表乱跳 没开电器也在走"],
)
def test_meter(text: str) -> None:
    assert fault(text)[0] == "meter"


@pytest.mark.parametrize(
    "text",
    [
        "小区路灯全部不亮",
        "楼道的灯坏了三天",
        "电梯停了 家里有电",
        "地下车库的充电桩充不了电",
        "有人撬开电表箱偷电",
    ],
)
def test_shared_equipment_and_tampering_are_other(text: str) -> None:
    assert fault(text)[0] == "other"


def test_outage_with_lifts_stopped_is_still_an_outage() -> None:
    assert fault("8栋停电了 电梯也停了")[0] == "area_outage"


def test_traditional_and_typos_are_read() -> None:
    assert fault("屋企冇電 隔籬有電")[0] == "household_outage"
    assert fault("家里跳匝了")[0] == "trip"
    assert fault("3栋挺电了")[0] == "area_outage"
    assert fault("电亚太低了")[0] == "voltage"


def test_a_flat_phone_battery_is_no_fault() -> None:
    assert U.understand("手机没电了 谁有充电宝借下", ESTATE_GROUP).intent == "other"


def test_people_trapped_in_a_lift_make_an_outage_urgent() -> None:
    assert fault("停电了 有人困在电梯里") == ("area_outage", True)


def test_something_hanging_on_a_wire_is_a_hazard() -> None:
    assert fault("台风吹断了树枝 挂在电线上", VILLAGE_GROUP) == ("hazard", True)


def test_bedridden_elderly_make_an_outage_urgent() -> None:
    assert fault("阿爷行动不便 成日躺在床上 停咗电冇风扇", VILLAGE_GROUP)[1] is True


def test_half_the_rooms_without_power_is_other() -> None:
    assert fault("家里有电 但是一半房间没电")[0] == "other"


def test_voice_to_text_slips_are_read() -> None:
    u = U.understand("三洞二单元五零一停点了", ESTATE_GROUP)
    assert (u.fault_type, u.address.building if u.address else None) == ("area_outage", "3")
    assert fault("邻据家都有电 就我家没有")[0] == "household_outage"


@pytest.mark.parametrize(
    "text", ["手机充电线断了", "蚊子嗡嗡叫 瞓唔着", "楼下放鞭炮噼里啪啦", "燃气灶打火打不着"]
)
def test_non_electrical_sounds_and_cables_are_no_hazard(text: str) -> None:
    assert U.understand(text, ESTATE_GROUP).intent == "other"


def test_electrical_sounds_across_clauses_are_a_hazard() -> None:
    assert fault("电箱进水了 一直滋滋响") == ("hazard", True)


def test_a_safety_tip_question_is_no_report() -> None:
    assert U.understand("打雷天如何防止触电", ESTATE_GROUP).intent != "fault_report"


@pytest.mark.parametrize(
    "text",
    [
        "水浸到电箱了",
        "电线破皮 露出铜线",
        "闻到烧胶味 好似系电箱",
        "风筝挂在高压线上",
        "路边井盖带电",
    ],
)
def test_more_hazards(text: str) -> None:
    assert fault(text) == ("hazard", True)


def test_a_clinic_without_power_is_urgent() -> None:
    assert fault("卫生院停电了 有病人在吊针")[1] is True


def test_a_blown_fuse_is_a_trip() -> None:
    assert fault("家里保险丝烧了")[0] == "trip"


def test_power_coming_and_going_is_unstable_voltage() -> None:
    assert fault("电一阵有电一阵冇电")[0] == "voltage"


@pytest.mark.parametrize(
    "text",
    [
        "配电室冒出白烟",
        "打完雷 变压器一直有烟冒出嚟",
        "插座冒咗烟 我即刻拔咗插头",
        "电表箱入面起烟",
        "电房里面有浓浓的烟雾",
        "电箱里面有火光",
        "配电柜着咗火",
        "排插自燃了",
        "电线一直闪火星",
        "屋企电表爆咗 好大声",
        "嘭咁一声 成条街黑晒",
        "变电站轰的一声 然后全部冇电",
        "电线杆俾雷劈咗",
        "楼顶被雷击中 电箱都黑了",
        "总闸那里有股烧嘢味",
        "闻到烧电线的味道",
        "電線著火了",
        "配电房门口好大阵燶味",
    ],
)
def test_smoke_fire_blasts_and_lightning_at_equipment_are_hazards(text: str) -> None:
    assert fault(text, VILLAGE_GROUP) == ("hazard", True)


@pytest.mark.parametrize(
    "text",
    [
        "水龙头会电人 摸到麻麻哋",
        "个仔掂到铁门俾电电亲",
        "铁闸带电",
        "俾电打咗一下 手都麻",
        "路边有条电线吊咗落嚟 好低",
        "村口电线柱歪咗 就快冧",
        "电杆俾货车撞咗",
        "桥头有根歪的灯柱 随时会倒",
        "后山倒咗两条电线杆",
        "路中间横着一根电线 车都不敢过",
        "变压器有怪声 好似要爆咁",
        "插座熔咗",
        "我老公触咗电 送咗去医院",
    ],
)
def test_shocks_sagging_wires_and_struck_poles_are_hazards(text: str) -> None:
    assert fault(text, VILLAGE_GROUP) == ("hazard", True)


@pytest.mark.parametrize(
    "text",
    [
        "电房门口有人食烟 好臭",
        "热到爆 开空调都唔够凉",
        "今晚食炸鸡 有冇人一齐",
        "打雷打到好大声 啲狗好惊",
        "碰到麻烦事 唔知点算",
    ],
)
def test_smoke_heat_and_bangs_without_electrical_danger_are_no_hazard(text: str) -> None:
    assert U.understand(text, ESTATE_GROUP).intent == "other"


def test_calling_during_an_outage_is_no_shock() -> None:
    assert fault("停电打电话都冇人接") == ("area_outage", False)


@pytest.mark.parametrize(
    "text",
    [
        "屋企啲灯全部唔着 隔篱有电",
        "我家灯全灭了，邻居家都有电",
        "我屋企所有电器都用唔到 对面屋着晒灯",
        "家里电视冰箱全部没反应 楼上是有电的",
        "屋里开灯没反应 邻居家好好的",
        "家里的灯都打不开 但是隔壁家有电",
    ],
)
def test_every_light_or_appliance_dead_at_home_is_a_household_outage(text: str) -> None:
    assert fault(text, VILLAGE_GROUP) == ("household_outage", False)


def test_all_the_appliances_of_one_home_do_not_make_an_area() -> None:
    assert fault("我屋企所有电器都用唔到")[0] == "household_outage"


def test_a_whole_lane_in_the_dark_is_an_area_outage() -> None:
    assert fault("成条巷啲屋全部乌灯黑火", VILLAGE_GROUP)[0] == "area_outage"


def test_no_outage_today_is_no_report() -> None:
    assert U.understand("好彩今日冇停电", ESTATE_GROUP).intent == "other"


@pytest.mark.parametrize(
    "text",
    [
        "啲灯暗过萤火虫",
        "今晚电好冇力 风扇都吹唔郁",
        "个灯特别光 刺眼到不得了",
        "灯泡发红 电视开不了机",
        "电灯没有以前那么亮",
        "屋企啲灯一时光一时暗",
    ],
)
def test_dim_or_glaring_lights_and_weak_power_are_voltage(text: str) -> None:
    assert fault(text)[0] == "voltage"


def test_power_too_small_for_a_shop_is_a_capacity_question() -> None:
    assert U.understand("铺头用电不够用 想加大容量", ESTATE_GROUP).intent != "fault_report"


@pytest.mark.parametrize(
    "text",
    [
        "冇开任何电器 个表都照走",
        "全部电器都关了 电表还一直跳",
        "出门一个星期 电表照样转个不停",
        "没用电 电表度数还在增加",
        "电表跑得很快 家里没人",
        "出去旅游一个礼拜 回来电表走了两百度",
    ],
)
def test_a_meter_running_with_everything_off_is_a_meter_fault(text: str) -> None:
    assert fault(text)[0] == "meter"


def test_asking_whether_the_meter_is_accurate_is_no_fault() -> None:
    assert U.understand("怀疑电表走得快 想申请校验", ESTATE_GROUP).intent != "fault_report"


def test_a_breaker_under_the_meter_that_trips_is_a_trip() -> None:
    assert fault("电表下面个空开一直跳")[0] == "trip"


@pytest.mark.parametrize(
    "text",
    [
        "巷口啲街灯全部唔着 夜晚行路好危险",
        "村道路灯坏咗几日 黑漆漆",
        "楼梯声控灯坏了 晚上黑咕隆咚",
        "路灯白天都亮着 浪费电",
        "路灯一闪一闪",
    ],
)
def test_street_and_stair_lights_out_or_stuck_are_other(text: str) -> None:
    assert fault(text, VILLAGE_GROUP)[0] == "other"


def test_a_block_dark_with_its_lift_stopped_is_still_an_area_outage() -> None:
    assert fault("9栋成栋黑晒 电梯都停埋")[0] == "area_outage"
