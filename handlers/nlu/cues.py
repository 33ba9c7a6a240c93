"""Intent cues: the words that say what a message wants, apart from the fault itself.

Plain lists of regular expressions over normalised text (see `lexicon` for the
conventions). Each list is one signal the intent rules in `intents.py` combine.
"""

from __future__ import annotations

from handlers.nlu.lexicon import G

# A forwarded notice or article: never a report of the sender's own.
FORWARDED = [
    r"^\s*[【\[(（]?\s*转(发|载)?\s*[】\]):：]",
    r"^\s*[【\[(（]?\s*转发",
    "转自",
    r"^\s*[【\[][^】\]]{0,8}(通知|公告|提示|预告|公示)\s*[】\]]",
]

# A hypothetical question: "if it trips, what do I do". Even a hazard word in it is no report.
HYPOTHETICAL = ["如果", "万一", "假如", "假设", "要是", "若果", "若是", "的话", "嘅话"]
# Safety tips: even with a hazard word, a question about prevention is no report.
SAFETY_TIPS = [
    "防止", "预防", "避免", "注意什么", "注意啲咩", "注意些什么", "安全常识", "小常识", "小知识",
    "安全知识",
]  # fmt: skip
# A general question: "usually how long", "what causes". Enough to outweigh a fault word.
GENERAL = [
    "一般", "通常", "一般来说", r"(^|[\s，,。])以后", "将来", "什么原因", "乜原因", "咩原因",
    "怎么判断", "点样判断", "怎么排查", "点样排查", "注意什么", "注意啲咩", "注意些什么",
    "怎么预防", "点样预防", "怎么避免", "如何防止", "怎样防止", "防止", "预防", "避免", f"会{G}{{0,3}}(停电|断电|没电|冇电|跳闸)",
    "可以自己", "自己可以", "能不能自己", "自己点样", "自己怎么",
]  # fmt: skip

# Power cut for the speaker's own arrears: the arrears-cutoff FAQ, not a fault.
ARREARS = [
    "欠费", "欠咗", "欠了", f"欠{G}{{0,4}}电费", "没交电费", "冇交电费", "未交电费", "没交",
    "冇交", "未交", "忘记交", "忘了交", "唔记得交", "交完", "补交", "缴清", "交清",
    f"(交了|交咗|缴了|交埋|充了){G}{{0,3}}电费", f"电费{G}{{0,3}}(交了|交咗|缴了|交完|交埋)",
]  # fmt: skip

# A planned outage in the future, or the notice of one.
PLANNED = [
    "计划停电", "检修停电", "停电通知", "停电公告", "停电安排", "停电计划", "预停电", "计划检修",
    "检修", "停电时间", "会停电", "要停电", "会不会停", "会唔会停", "有没有停电", "有冇停电",
    "停不停电", "停唔停电", r"停电(吗|嘛|么|冇|没有|不|唔)(?!了)", "几点到几点", "几点开始停",
    "几点停", "几时停", "停到几点", "停几耐", "停多久", "停几个钟", "听说", "听讲", "听人讲",
    "听人说", "通知说", "通知讲", "话要停", f"会{G}{{0,3}}(停电|断电|没电|冇电)",
]  # fmt: skip
# Days ahead: a planned outage when they sit in the same clause as an outage event word
# (停电, 断电: not 没电, which says how things are now).
WHEN = [
    "明天", "明日", "明早", "明晚", "听日", "听朝", "听晚", "后天", "后日", "后晚", "大后天",
    "下周", "下个星期", "下星期", "下礼拜", "下个礼拜", "这周", "本周", "这个礼拜", "呢个礼拜",
    "这星期", "这个星期", "这个月", "下个月", "周末", r"(周|星期|礼拜)[一二三四五六日天]",
    "今晚", "端午", "国庆", "春节", "中秋", "放假", "过年", r"(?<![组队社村\d\ue000])\d+号(?!楼|栋|房|座|\d)",
]  # fmt: skip
# The outage is happening now, whatever the time words around it say.
NOW = [
    f"又{G}{{0,2}}(停|冇|没|无|黑|断)", "停电了", "没电了", "冇电了", "冇晒电", "停咗电", "突然", "现在", "而家",
    "宜家", "刚刚", "刚才", "头先", "啱啱", "一直没电", "到现在", "到而家", "还没来电",
    "仲未来电", "黑了", "黑晒", "停晒",
]  # fmt: skip
# It happened again: a new fault, even after an earlier report.
AGAIN = [f"又{G}{{0,2}}(停|冇|没|无|黑|断|跳|闪)", "再次停电", "又一次"]
# Past or habitual outages (yesterday's, every time's): no fault now, when they come
# just before the outage word.
PAST = [
    "昨天", "昨日", "琴日", "寻日", "前天", "前日", "上周", "上个星期", "上星期", "上礼拜",
    "上个礼拜", "上次", "上回", "每次", "次次", "每回", "之前", "以前", "上个月", "前几天",
    "前几日", "去年", r"(几|两|三|四|五|六|七|八|九|十|好多|多)次", "经常", "老是", "总是",
    "三天两头", "隔三差五", "动不动",
]  # fmt: skip
# A period just after an outage word: "during the outage", "after the outage".
PERIOD = ["期间", "的时候", "嘅时候", "之后", "以后", "后来"]
ONGOING = [
    "开始",
    "到现在",
    "到而家",
    "到宜家",
    "还没",
    "还是没",
    "仍然",
    "依然",
    "仲未",
    "仲系",
    "又",
]
# Power is back: the outage is over.
RESTORED = [
    r"(^|[\s，,。!！]|又|已经|现在|而家|宜家|终于)(来电|有电|复电)(了|咗|啦|喇)(?![吗未没冇么])",
    "恢复供电了", "已经恢复", "来咗电", "有返电", "有番电",
]  # fmt: skip

# Refers to a repair already reported: how is it going, when will the worker come.
PROGRESS_STRONG = [
    "报的修", "报了修", "报咗修", "报修了", "报修咗", "报修的", "报嘅", "报的", "报咗",
    "报修单", "单号", "工单", "派单", "跟进", "处理到哪", "处理得怎么样", "处理好了没",
    "处理了吗", "有人处理吗", "有结果", "进度", "修好了没", "修好了吗", "修好未", "修好没",
    "修好冇", "整好未", f"报修{G}{{0,2}}(到现在|到而家|几个钟|半天|一天|好耐|很久|这么久|咁耐)",
    f"(上午|下午|早上|晚上|昨天|昨晚|琴日|寻日|前天|今朝|刚才|头先|啱先|已经|之前){G}{{0,3}}"
    "报(修|咗|了|过|嘅|的)", "整好了没", "修得怎么样", "修成点", "换好了吗", "换好未", "搞掂未",
    "搞定了吗", "那个停电", "嗰个停电",
]  # fmt: skip
PROGRESS_WEAK = [
    f"(师傅|电工|工作人员|工人|抢修|维修|修理|修电线的|你们|你哋){G}{{0,8}}"
    r"(到了吗|到了没|到了未|到未|到边|到哪|在哪|喺边|出发|"
    r"(几点|几时|什么时候|多久|几耐|何时)(能|可以|会|先|才)?(到|来(?!电)|嚟|上门)|"
    r"还来不来|来不来|嚟唔嚟|还要多久|几点回来|到咗未)",
    f"(有人|冇人|没人|有冇人){G}{{0,3}}(来|嚟|上门)",
    "还没人来", "还没有人来", "仲未有人", "仲未嚟", "还没来", "都未嚟", "未见人", "没见人",
    "冇见人", "还没到", "仲未到",
    "什么时候修好", "几时修好", "几时整好", "修好要多久", "几时搞掂", "要等多久", "还要等多久", "等到几时", "几点先到", "到边了", "还来不来", "几点回来",
    "几时返嚟", "什么时候回来",
]  # fmt: skip

# Complains about the service or staff, or says they will complain.
COMPLAINT = [
    "投诉", "举报", "曝光", r"(?<!\d)12345(?!\d)", "向上级", "找领导", "你们领导", "你哋领导",
    "我要反映", "要反映", "你们到底", "你哋到底", "会不会修", "识唔识修", r"修(了|咗)?(几|两|三|四|好几|多)次",
    f"(服务|态度|效率|师傅|工人|工作人员|客服|你们|你哋|供电所|供电局){G}{{0,6}}"
    "(差(?!不多|唔多|点|一点|价|额)|凶|恶劣|(太|好|很|咁|真)慢|烂|冇用|没用|垃圾|不专业|唔专业|不负责|离谱|"
    "过分|马虎|冇礼貌|没礼貌)", "市长热线", "差评", f"态度{G}{{0,2}}(差|恶劣|唔好|不好|嚣张)",
    "太差", "好差", "很差", "真差", "不负责", "唔负责", "冇责任", "没有责任心", "不专业",
    f"效率{G}{{0,2}}(低|差|慢)", "太慢", "慢吞吞",
    "太拽", "爱答不理", "爱理不理", "不理人", "唔理人", "没人理", "冇人理", "没人管", "冇人管",
    "无人管", "没人回", "冇人回", "从来没人", "没人接", "冇人接", "打不通", "打唔通", "忙音",
    "不想接", "什么服务", "乜服务", "咩服务", "太过分", "好过分", "过分了", "很过分", "离谱", "不像话", "有什么用",
    "有乜用", "有咩用", "这样服务", "咁样服务", "什么态度", "乜态度", "咩态度",
    r"拖(了|咗)?(几|两|三|四|五|好几|成)(天|日|个星期|个礼拜|个月|星期)", "求其", "敷衍", "糊弄", "马虎", "推卸", "推来推去", "不作为", "冇人做嘢",
    "没人做事", "不道歉", "唔道歉", "没人解释", "冇人解释", "不提前通知", "唔提前通知",
    "都唔通知", "都不通知", "乱收费", "骗人", r"(真|好|太|咁|简直)垃圾|垃圾(服务|供电|部门|单位)", "失望", "气死", "搞乜鬼",
    "等等等", "拖了", "拖到", "一拖再拖", "凭什么", "让不让人活", "点过日子", "怎么过日子",
    r"停了?(几|两|三|四|五|六|七|八|九|十|好多|多)次", f"(经常|老是|总是|三天两头|隔三差五){G}{{0,2}}停电",
]  # fmt: skip
# Asking how or where to complain is the hotline FAQ, not a complaint.
COMPLAINT_HOW = [
    f"(怎么|怎样|如何|点样|点|哪里|哪儿|边度|去哪|在哪){G}{{0,3}}(投诉|反馈|提意见)",
    f"投诉{G}{{0,2}}(电话|热线|渠道|途径|方式)",
]

# Where or how to find out about outages: the outage-notice FAQ, not a query.
WHERE_TO_SEE = [
    r"(哪里|哪儿|哪|边度|喺边)(可以|能)?(看|睇|查|发布|公布|通知|找|揾)", "有冇地方", "有没有地方",
    "怎么知道", "点样知", "点知", "提前知道", "怎样知道", "如何知道",
]  # fmt: skip

# How to report a fault: with no home or place named, a question, not a report.
HOW_TO_REPORT = [
    r"(怎么|怎样|如何|点样|点)报(修|障)", "找谁报修", "找谁修", "找边个", "揾边个", "报修电话",
    r"打(什么|咩|边个|哪个|几多号)电话", "联系谁", "找哪个部门",
]  # fmt: skip
# The message names a home or a place: then it is someone's fault, not a general question.
PLACE_HINT = [
    "我家", "我们家", "我屋", "屋企", "家里", "我们这", "我哋", "我这", "\ue000", "\ue001",
    r"[0-9一二三四五六七八九十A-Za-z](栋|幢|座|单元|组|队|号楼)",
]  # fmt: skip

# Card / prepaid meter questions: the prepaid-meter FAQ unless power is out now.
PREPAID = ["卡表", "插卡", "预付费", "预存", "余额用完", "用完会", "充值"]

# Thanks, greetings and acknowledgements: chatter, unless a question comes with them.
CHATTER = [
    "谢谢", "多谢", "感谢", "唔该晒", "辛苦", "收到", "好的", "好嘅", "明白", "知道了", "OK", "ok",
    "来电了", "有电了", "恢复了", "来咗电", "有返电", "早晨", "早上好", "晚安", "大家好", "👍", "🙏",
]  # fmt: skip
QUESTION = [
    r"\?", "？", "吗", "嘛", "么", "呢", "怎么", "怎样", "如何", "点样", "点解", "点搞", "几时",
    "几点", "几多", "多少", "多久", "哪", "边度", "边个", "咩", "乜", "谁", "能不能", "可不可以",
    "可唔可以", "系咪", "是不是", "有没有", "有冇", "要不要", "会不会", "想问", "请问", "想知",
]  # fmt: skip
