"""Fault words: what residents write for each kind of power problem.

Plain lists, one per meaning, in Simplified Chinese (text is normalised first:
Traditional -> Simplified, full-width -> ASCII, `TYPOS` fixed). Entries are regular
expressions; most are plain words. `G` is a gap inside one clause (no comma, full
stop or space), so "电线 ... 掉" only pairs words of the same clause.
Mandarin and Cantonese (冇, 唔, 咗, 晒, 屋企, 隔篱) sit side by side.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from re import _constants as _c  # type: ignore[attr-defined]
from re import _parser  # type: ignore[attr-defined]
from typing import Any

G = r"[^，,。.!！?？;；\s]"  # one character of the same clause
P = r"[^没冇无唔不未，,。.!！?？;；\s]"  # the same, but not a negation

# Common typos, homophones and voice-to-text slips of the words the rules look for.
TYPOS: dict[str, str] = {
    "跳匝": "跳闸", "跳炸": "跳闸", "电炸跳": "电闸跳", "拉电炸": "拉电闸", "条闸": "跳闸", "跳砸": "跳闸", "跳铡": "跳闸", "挑闸": "跳闸",
    "挺电": "停电", "亭电": "停电", "停点": "停电", "来点了": "来电了", "没电咯": "没电了",
    "电亚": "电压", "电鸭": "电压", "电丫": "电压", "变亚器": "变压器", "变电器": "变压器",
    "林居": "邻居", "临居": "邻居", "邻局": "邻居", "邻据": "邻居",
    "电飞": "电费", "电废": "电费", "发漂": "发票", "法票": "发票",
    "滞纳今": "滞纳金", "滞纳斤": "滞纳金", "违约今": "违约金",
    "户好在": "户号在", "户好是": "户号是", "户好喺": "户号喺", "查户好": "查户号",
    "阶梯电加": "阶梯电价", "峰谷电加": "峰谷电价",
    "电标": "电表", "空凯": "空开", "漏宝": "漏保", "师父": "师傅", "单原": "单元", "单园": "单元",
    "露电": "漏电", "火华": "火花", "火化了": "火花了", "烧蕉": "烧焦", "电线竿": "电线杆", "着伙": "着火",
}  # fmt: skip
# 合 heard as 河/盒/何, only right after a breaker word (闸河不上 -> 闸合不上): 河 alone is a river.
TYPOS |= {
    f"{switch}{slip}{then}": f"{switch}合{then}"
    for switch in ("闸", "掣", "开关", "空开", "漏保")
    for slip in "河盒何"
    for then in ("不", "唔", "没", "冇", "上", "返", "番", "翻")
}

# Characters that sound alike in place names; a community name matches through them.
HOMOPHONES: list[str] = [
    "园圆元源缘", "绣秀锈", "庭亭廷婷", "城成程诚", "苑院远愿", "华花", "域玉遇", "滨宾彬", "江疆姜", "岭领令", "塘堂唐糖", "桥乔侨",
    "洞峒垌", "珠朱猪", "锦金近紧", "壹一", "新心欣", "明名铭", "方芳", "东冬", "石时实", "福富府", "幸兴杏", "号豪", "村寸",
]  # fmt: skip

# 没电话, 冇电梯: other words that begin with 电.
NOT_POWER = "[话费梯视脑器池筒单]"
# Lights that do not come on, appliances that do nothing.
NOT_LIT = "(打不开|打唔开|打唔着|开唔到|开不了|开不着|不亮|唔亮|冇亮|没亮|唔着|不着|亮不了|亮唔到|着唔到|开不亮|开唔着|灭晒|全灭|熄晒|熄咗|熄了|灭了|灭咗|黑晒|黑了)"
DEAD = "(用唔到|用不了|用不到|冇反应|没反应|无反应|开唔到|开不了|打不开|开唔着|开不着|唔郁|不动|停晒|熄晒)"
ALL = "(都|全|全部|晒|哂|一齐|统统|通通|所有)"
HOME = "(所有|全部|全屋|成屋|成间屋|整间屋|满屋|我家|我们家|我屋企|屋企|家里|家中|屋里)"
# It is dark: an outage, unless a street or stair light is what went out.
DARK = ["黑晒", "黑麻麻", "都黑了", "全黑了", "黑了一片", "黑咗", "漆黑", "乌灯黑火", "黑灯瞎火", "黑咕隆咚", "黑蚊蚊", "黑漆漆"]  # fmt: skip
# Power is gone. 停了/停晒 only with 都/全/也, so 停水 or 停车 never count.
POWER_GONE = [
    "停电", "停咗电", "停了电", "停晒电", "断电(?<![判诊]断电)", "断咗电", f"(没|冇|无|没有)电(?!{NOT_POWER})",
    "冇晒电", "冇咗电", "冇哂电", "没了电", "电都没有", "电都冇", "一点电都没", "冇啲电",
    f"[都全也晒]{G}{{0,2}}停了", "全部停晒", "停晒", "都停咗", "来电[吗未]", "几时来电",
    # Still off: 停咗成个钟喇, 停了两个小时了; when will it be back, hurry it up.
    "(?<![水气网])停(了|咗)(一|两|几|三|四|五|六|七|八|九|十|半|成|好几)个?(钟|小时|钟头|天|日|晚)(了|喇|啦|咯)",
    "(什么时候|几时|几点|多久|何时)(能|可以|会|先|才)?恢复(供电|来电|用电)",
    "(快点|快啲|赶紧|尽快|早点|早啲)(来电|恢复供电|有电)", "来电了(吗|未|没|冇|么)",
    # Spelled out, not (?i:): a case-blind pattern would hide its first characters from any_of.
    "([Pp]ower|POWER) ?(off|OFF|cut|CUT|outage|failure|is out)|([Nn]o|NO) (power|POWER)|[Bb]lackout|BLACKOUT",
    "什么时候来电", "几点来电", "什么时候有电", "几时有电", "几点有电", "多久来电",
    "(就|只有|净系|得)(我家|我屋企|我们家|我哋屋企)(没有|冇|没)",
    f"灯{P}{{0,4}}{ALL}都?{NOT_LIT}", f"{HOME}(的|嘅|啲|个|里|入面)?(电)?灯{G}{{0,4}}{NOT_LIT}",
    f"(电器|家电|电视|冰箱|雪柜|空调|冷气|风扇|开关|插头|电饭煲|热水器|洗衣机){G}{{0,6}}{ALL}都?{DEAD}",
    f"(开|按|撳|摁|揿)(咗|了)?(灯|开关|掣|电掣){G}{{0,4}}(都|也)?(冇|没|无|唔|不)(反应|嘢|亮|着)",
]  # fmt: skip
OUTAGE = POWER_GONE + DARK
# "No outage today": removed before outage words are looked for.
NO_OUTAGE = [
    "(冇|没|没有|无|未|唔|不)(停电|断电|停过电)(?![吗嘛么没冇未])",
    # A worry about some day (我怕哪天突然没电, 担心到时停电): no outage now.
    f"(怕|担心|担忧|惊|害怕|生怕|就怕|唔想|不想)(会|哪天|某天|有一天|到时|以后|万一|下次|又)?{G}{{0,4}}"
    "(停电|断电|没电|冇电|无电)(?!了|咗|啦|喇)",
]

# The household breaker trips or will not close. 没跳 is removed first (NOT_TRIPPED).
TRIP = [
    "跳闸", "跳掣", "跳电", "跳制", "闸跳", "掣跳", "开跳", "保跳", "器跳",
    f"(一直|又|就|成日|经常|老是|总是|频繁|不停|时不时){G}{{0,2}}跳", "跳了", "跳咗", "跳下来",
    "跳落", "合不上", "合唔上", "推不上", "推唔上", "合不了", "推唔上去", "推上去又落",
    "推上去即刻又落", "一合就跳", "掉闸", "落闸", "闸落", f"保险丝?{G}{{0,2}}(烧|断|熔|跳)",
]  # fmt: skip
# Cantonese: the breaker 弹 (总掣成日弹, 一开热水器就弹闸), 落 (个掣落咗).
SWITCH = "(总掣|电掣|掣|总闸|电闸|闸|空开|漏保|开关)"
TRIP += [
    "弹闸", "弹掣", f"{SWITCH}{G}{{0,4}}(弹|跳)(?!簧|琴|出|开|起|舞|绳|远|高|水|楼)",
    f"(一开|一用|一插|一着|一煲){G}{{0,6}}(就|又|即刻|马上)(弹|落)(?!簧|琴|雨)",
]  # fmt: skip
# 没跳, 不是跳闸, 唔系跳掣: the breaker is named only to say it did not trip.
NOT_TRIPPED = [
    f"(没|冇|唔|未|没有|无){G}{{0,1}}(跳|弹)", f"(不是|唔系|并非|不系|唔似|不像){G}{{0,3}}(跳|弹)",
    "跳字", "吓一跳", "心跳",
]  # fmt: skip

# Voltage too low, too high or unstable; appliances damaged by it.
APPLIANCE = (
    "(灯胆|灯泡|灯管|电饭煲|电饭锅|路由器|电视|冰箱|雪柜|空调|冷气|洗衣机|热水器|风扇|"
    "电器|电脑|电磁炉|水泵|抽水机)"
)
WHILE = "(一时|时|忽|有时|一阵|一会儿?|一下子?|阵间)"  # 一会亮一会暗: by turns
VOLTAGE = [
    "电压", "忽明忽暗", "忽光忽暗", "时明时暗", "时亮时暗", "忽亮忽灭", "时有时无", "时有时冇",
    f"{WHILE}(光|亮|明|有电){WHILE}(暗|黑|冇|无|灭|冇电|没电)", "一阵有电一阵", "一时有电一时", "断断续续", "忽有忽无", "有时有电有时", "一闪一闪", "闪闪下", "闪下闪下",
    f"灯{G}{{0,4}}闪", "闪得厉害", "暗暗", f"灯{G}{{0,3}}(好暗|很暗|暗了|暗咗|发暗)",
    "带不动", "带唔郁", "带唔起", "启动不了", "启动唔到", "开不起来", "开唔起", "一开就停",
    "转得好慢", "转得很慢", "煮唔熟", "煮不熟", "自己重启", "烧坏", f"烧(了|咗|坏){G}{{0,4}}{APPLIANCE}",
    f"{APPLIANCE}{G}{{0,4}}(烧坏|烧了|烧咗|被烧)", "电器被烧", "一百[一二三四五六七八九]",
    f"灯{G}{{0,4}}(暗|昏|发黄|好黄|黄黄|发红|红红)",
    f"灯{G}{{0,6}}(没有|冇|没|唔够|不够|唔及|不及)(以前|平时|平常|往日|咁|那么|那样|这么)", f"灯{G}{{0,3}}(特别|异常|超级|出奇|过分|太)(亮|光|刺眼)", f"灯{G}{{0,6}}刺眼",
    "电(?<![充蓄机池车瓶用]电)(力|流)?(好|很|太|都|又)?(冇力|没力|无力|唔够|不够|不足|好弱|太弱|很弱)(?!用)",
    f"(灯泡|灯胆|灯管){G}{{0,4}}(成日|经常|又|一直|老是|总是|次次)(烧|爆|坏)", "(自己|自动)(关机|熄机|熄|停机)",
    f"(风扇|水泵|抽水机|空调|冷气|雪柜|冰箱|洗衣机){G}{{0,4}}(吹唔郁|转唔郁|转不动|唔郁|不转|唔转|转唔起)",
]  # fmt: skip

# Too small a supply for the load (容量带不动, 功率不够): capacity, not voltage.
CAPACITY_SHORT = [
    f"(容量|功率|负荷|负载|千瓦|kW|kw|KW){G}{{0,4}}(带不动|带唔郁|带唔起|不够|唔够|不足|太小|太细|超了|超咗)",
]
# The meter itself is wrong (not "is it accurate?", which is the meter-check FAQ).
METER_NOUN = "(电表(?!箱)|卡表|插卡表|预付费表|智能表|的表|个表|嘅表|块表|(?<![报手记请时课价图格钟])表(上|头))"
METER_FAULT = [
    "不走", "唔走", "不转", "唔转", "唔郁", "不动", "乱走", "乱跳", "跳字", "倒走", "倒转",
    "乱码", "ERR", "Err", "err", "花了", "花屏", "黑屏", "屏幕黑", "黑了", "不显示", "唔显示", "冇显示",
    "没反应", "冇反应", "不亮", "唔亮", "灭了", "灭咗",
    "没显示", "无显示", "显示异常", "闪红灯", "红灯", "看不到", "睇唔到", "坏",
    "无效卡", "读不到卡", "读唔到卡", "还少", "少了", "故障", "飞快",
    "(自己|乱|狂)(转|走|跳|行|郁|跑)", "(还|仍|仍然|仲|照|照样|依然|都|一直|不停|继续)(在|系|喺度|喺)?(转|走|跳(?![闸掣制电])|行|郁|跑|增加|涨)",
    "(转|走|跳|行|跑|涨)得(好|很|太|特别|超|飞|咁|非常|极)?快", "(转|走|跳|行|跑)(个|过)?不停", "(一直|不停|乱|狂)(在|喺度)?闪",
    # The display: 显示屏一直闪, 数字跳来跳去, 读数看不清.
    f"(屏|显示|数字|读数|度数|字|数|灯){G}{{0,4}}(闪|乱|跳来跳去|变来变去|模糊|看不清|睇唔清|不清|缺|花)",
    "跳来跳去", "变来变去",
]  # fmt: skip
# Asking whether the meter is accurate or how to have it tested: the meter-check FAQ.
METER_CHECK = [
    "校表", "校验", "验表", "检定", "准不准", "准唔准", "不准", "唔准", "误差", "怀疑", "正常吗",
    "正不正常", "正唔正常", "正常唔正常", "申请",
]  # fmt: skip
# 乱填, 抄错, 估数: the reader wrote it wrong, a matter for a complaint, not the meter.
MISREAD = ["(乱|错|估)(填|抄|写|记|报)", "抄(错|漏|少|多)", "估(数|读)"]
# Nobody home or everything off (not 冇人理, 没人换: nobody who should have acted).
NOBODY = (
    "((没人|冇人|无人)(?!知|理|管|接|回|应|睬|帮|换|修|来|嚟)|不在家|唔喺屋企|出门|出去|旅游|返乡下|空置|"
    "冇住人|没住人|没开|冇开|关晒|全关|都关)"
)
POWER_CARD = "(电卡|购电卡|售电卡|用电卡|电费卡|IC卡|ic卡|Ic卡|表卡)"
METER = [
    # Not across the breaker, or across a person or 把 that brings another object
    # (换电表的师傅把墙弄坏: the wall is broken, not the meter).
    f"{METER_NOUN}((?!闸|掣|空开|开关|漏保|师傅|工人|人员|把|将|墙).){{0,10}}({'|'.join(METER_FAULT)})",
    f"(充了|充咗|充值|充钱|充好|买了电|买咗电){G}{{0,14}}(没电|冇电|无电|不来电|未来电|唔来电|用不了|用唔到|"
    "没反应|冇反应|无反应|不通电|不供电)",
    f"(充了|充咗|充值|充好){G}{{0,10}}(显示|插){G}{{0,10}}(成功|无效)",
    # Topped up and still nothing now: 充了200，到现在还没来电 / 充咗仲未有电.
    "(充了|充咗|充值|充钱|充好|买了电|买咗电)[^?？]{0,14}(还是|仲系|都系|依然|仍然|还|仲|都|到现在|到而家)"
    "(没|冇|无|未|不)(有)?(电|来电|嚟电|通电)",
    # Nobody home, the meter ran anyway, told in either order.
    f"{NOBODY}[^?？]{{0,16}}{METER_NOUN}[^?？]{{0,4}}(走|行|跳|转|用)(了|咗)",
    f"{METER_NOUN}[^?？]{{0,4}}(走|行|跳|转)(了|咗)[^?？]{{0,16}}{NOBODY}",
    # The card will not read or take a top-up: 电卡插进去没反应, IC卡读不出.
    f"{POWER_CARD}{G}{{0,8}}(没反应|冇反应|无反应|读不出|读唔出|读不到|读唔到|识别不了|识别唔到|充不进|充唔入|"
    "充不了|充唔到|插不进|插唔入|显示错误|显示错|报错|无效|用不了|用唔到)",
]

# Shared equipment (street, corridor, garage lights, lifts, chargers, sockets) that
# has failed: a fault of type `other`. Removed before outage words are looked for.
SHARED_LIGHT = (
    "((路|街|巷|楼道|走廊|楼梯|过道|梯间|车库|停车场|地下室|大堂|大门|门口|广场|球场|公园|桥|小区|村)"
    "(里|里面|入面|度|口|边)?(的|嘅|啲)?(灯|照明)|声控灯|感应灯|应急灯|太阳能灯|公共照明)"
)
# Outside the homes: when one of these trips (充电桩一直跳), its own switch went, not a home's.
SHARED = f"({SHARED_LIGHT}|车库|停车场|电梯|升降机|充电(桩|站|柜|口|插座|车棚|点|位)|门禁|水泵房|道闸|闸机|监控|对讲|水泵)"
SHARED_TRIP = [f"{SHARED}[^我家屋，,。.!！?？;；\\s]{{0,8}}(跳|掉闸|落闸)"]  # not 电梯一停我家就跳
EQUIPMENT = f"({SHARED}|插座|(一半|部分|有啲|有些|几个)(的|嘅)?(房|房间|插座|灯|线路|电器))"
FAILED = (
    "(不亮|唔亮|唔着|不着|没亮|冇亮|灭|黑|坏|没电|冇电|无电|停|断电|断咗电|充不了|充唔到|充不进|充唔入|"
    "用不了|用唔到|唔work|冇反应|没反应|无反应|插(不|唔)上|不灵|唔灵|失灵|有问题|不正常|唔正常|"
    "故障|罢工|一闪一闪|闪下闪下|闪|忽明忽暗|暗|唔熄|不熄|长亮|常亮|一直亮|一直着|日头都着|白天都亮|"
    "白天也亮|白天都着|白天亮)"
)
EQUIPMENT_FAULT = [f"{EQUIPMENT}{G}{{0,8}}{FAILED}"]
LIGHT_FAULT = [f"{SHARED_LIGHT}{G}{{0,8}}{FAILED}"]
# 充电桩用不了，(显示)没电: a clause that is only 没电 says the same of the equipment.
BARE_NO_POWER = [
    "(?<![^，,。!！\\s])(显示|提示|都|也|全部|又)?(没|冇|无|没有)(晒)?电(了|咗|啦|喇|的|嘅)?(?=$|[，,。.!！\\s])"
]
# A phone, car or other battery that ran flat: not the grid's power at all.
BATTERY = [
    "(手机|电话(?!费)|电池|电瓶|电动车|电单车|摩托车|汽车|小车|车子|充电宝|手表|耳机|遥控器|平板|"
    f"笔记本|相机|对讲机|玩具){G}{{0,3}}(没电|冇电|无电|没有电|冇晒电|没什么电)",
]
# A gas appliance (燃气热水器, 煤气灶) is no electrical thing: its name is masked before
# faults are looked for, so 燃气热水器打唔着火 is neither a fire nor a dead appliance.
GAS_APPLIANCE = ["(燃气|煤气|天然气|液化气|石油气|沼气)(热水器|灶|炉|表|管|罐|瓶|阀|)"]
# Tampering with a meter box or theft of power: also type `other`.
TAMPER = ["偷电", "偷接", "私拉", "私接", "乱接", "飞线", "撬(?!棍)", "剪断了?锁"]

# Who has power and who not: household versus area outage.
ONLY_ME = (
    "(就|只有|只是|只得|净系|得|唯独|单单|仅仅?)(我|我们|我哋)(这|呢|自己)?(一)?(户|家|间|屋企|屋)"
)
NEIGHBOURS = "(邻居|邻舍|街坊|隔壁|隔篱|隔离(?=邻|屋|家|阿)|对门|对面|楼上|楼下|人哋|别人|别家|其他人|其他屋|其他家|左邻右里|周围|有冇人|有没有人)"
SELF = (
    "(我家|我们家|我哋屋企|我屋企|屋企|家里|家中|屋里|我屋|我这一?户|我户|自己家|屋头|"
    "全屋|成屋|成间屋|整间屋|整个家|整个屋|"
    "(租|住)(的|嘅)(房|屋)|出租屋)"
)
# What a neighbour said, across a comma: 问了对门，他们也没有 / 隔篱话佢哋都冇.
THEY = "(他们|她们|佢哋|佢地|佢们|人家|他家|他们家|她家|佢屋企|都话|也说|话|说|佢|他|她)"
NEIGHBOURS_OUT = [
    f"{NEIGHBOURS}(家|屋企|屋|门|嗰边|那边|那户|嗰户|几家|几户)?([，,\\s]?{THEY})?{G}{{0,6}}(也|都|亦|同样){G}{{0,2}}"
    "(没|冇|无|停|黑)(?!有?(事|问题|嘢|影响))",
    # 说她家也是 / 隔篱都系咁 at the end of a clause: the same as mine.
    f"{NEIGHBOURS}{G}{{0,4}}([，,\\s]?{THEY})?{G}{{0,6}}(也|都|亦)(是|系)?(一样|咁样?|这样|那样)?(?=$|[，,。.!！?？\\s])",
    "跟邻居都",
    "同邻居都",
]
AREA = [
    "整栋", "整幢", "整座", "整层", "整个(?!家|屋)", "整条", "全部", "全栋", "全村", "全小区", "成个(?!家|屋)",
    "(成|全|整)(座|幢|层|单元|梯|排|条村|个村)",
    "成栋", "成条", "成排", "一排", "几户", "家家户户", "全屋苑", "楼上楼下", "大家都", "附近",
    "一片", "条街", "整片", "所有", "全都", "都系咁", "我们这里", "我哋呢度", "我们小区",
    "我们村", "我们组", "我哋村", "成村",
]  # fmt: skip
# Quantities inside one home (所有电器, 啲灯全部): no sign that other homes are out.
INSIDE = [
    f"({HOME}|{ALL}|整个|成个)(的|嘅|啲)?(电器|家电|电灯|灯|插座|开关|房间|房)",
    f"(电器|家电|灯|插座|开关){P}{{0,4}}{ALL}",
]
# A bare 有 only at the end of a clause (对门有，我冇): 楼上有位老人 is someone there.
OTHERS_HAVE = [
    rf"{NEIGHBOURS}{P}{{0,4}}(都|也|仲|还|是|系)?(有电|有嘅|有的|有(?=$|[，,。.!！?？;；\s啊呀喔喎哦噢啦喇咯嘛])|好好|好地地|好哋哋|正常|冇事|没事|着紧|着晒灯|着住灯|着灯|亮)",
    f"{NEIGHBOURS}{P}{{0,4}}(啲)?灯(系|是|都|也|仲|还)?(着|亮)",
    f"(楼道灯|走廊灯|电梯|外面){P}{{0,3}}(是|都|也|仲|还)?(有电|亮|正常)",
    # Only my home: 就我这一户, 只有我们家, 得我屋企, 净系我哋间屋.
    ONLY_ME,
]
# By contrast, with no outage word: 对门有电我没有, 邻居都亮着只有我们家黑的.
SELF_LACKS = [
    f"(我|我家|我们家|我哋|我屋企|屋企|家里|我这边|我呢边|{ONLY_ME})(的|嘅|度|这边|呢边)?(却|就|反而|偏偏|都|也)?"
    "(没有|没|冇|无)(电)?(?=$|[，,。.!！?？\\s]|了|咗|啊|呀|喔|的|嘅|喎)",
    f"(我|我家|我们家|我哋|我屋企|屋企|家里|{ONLY_ME})(的|嘅|度|这边|呢边)?(却|就|反而|偏偏)?(是|系)?黑",
]
SELF_HAS_POWER = [f"{SELF}{P}{{0,3}}(是|都|也|仲|还)?(?<!所)有电(?![器费话视梯脑池])", "我家有电"]


def alt(patterns: list[str]) -> str:
    """One regular expression matching any of the patterns."""
    return "|".join(f"(?:{p})" for p in patterns)


def any_of(patterns: list[str]) -> re.Pattern[str]:
    """`alt` compiled, led by a look-ahead for the characters a match can start with:
    the engine then skips most positions at once instead of trying every pattern there."""
    pattern = alt(patterns)
    starts, may_be_empty = _first_chars(_parser.parse(pattern))
    if starts is None or may_be_empty:
        return re.compile(pattern)
    return re.compile(f"(?=[{''.join(sorted(map(re.escape, starts)))}])(?:{pattern})")


_FirstChars = tuple[set[str] | None, bool]  # the characters (None: any), and may it match ""


def _first_chars(items: Iterable[tuple[Any, Any]]) -> _FirstChars:
    out: set[str] = set()
    for op, av in items:
        chars, empty = _first_of(op, av)
        if chars is None:
            return None, False
        out |= chars
        if not empty:
            return out, False
    return out, True


def _first_of(op: Any, av: Any) -> _FirstChars:
    if op is _c.LITERAL:
        return {chr(av)}, False
    if op is _c.IN and all(o is _c.LITERAL for o, _ in av):
        return {chr(a) for _, a in av}, False
    if op is _c.BRANCH:
        found = [_first_chars(branch) for branch in av[1]]
        if any(chars is None for chars, _ in found):
            return None, False
        return set().union(*(chars for chars, _ in found)), any(e for _, e in found)  # type: ignore[arg-type]
    if op is _c.SUBPATTERN:
        return _first_chars(av[3])
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT):
        chars, empty = _first_chars(av[2])
        return chars, empty or av[0] == 0
    if op in (_c.ASSERT, _c.ASSERT_NOT, _c.AT):
        return set(), True
    return None, False
