"""Intent cues: the words that say what a message wants, apart from the fault itself.

Plain lists of regular expressions over normalised text (see `lexicon` for the
conventions). Each list is one signal the intent rules in `intents.py` combine.
"""

from __future__ import annotations

from handlers.nlu.lexicon import G

# A forwarded notice or article: never a report of the sender's own.
FORWARDED = [r"^\s*[【\[(（]?\s*转发", "转自", r"^\s*[【\[]?\s*(通知|公告|温馨提示)\s*[】\]]"]

# A hypothetical question: "if it trips, what do I do". Even a hazard word in it is no report.
HYPOTHETICAL = ["如果", "万一", "假如", "假设", "要是", "若果", "若是", "的话", "嘅话"]
# A general question: "usually how long", "what causes". Enough to outweigh a fault word.
GENERAL = [
    "一般", "通常", "一般来说", r"(^|[\s，,。])以后", "将来", "什么原因", "乜原因", "咩原因",
    "怎么判断", "点样判断", "怎么排查", "点样排查", "注意什么", "注意啲咩", "注意些什么",
    "怎么预防", "点样预防", "怎么避免", f"会{G}{{0,3}}(停电|断电|没电|冇电|跳闸)",
    "可以自己", "自己可以", "能不能自己", "自己点样", "自己怎么",
]  # fmt: skip

# Power cut for the speaker's own arrears: the arrears-cutoff FAQ, not a fault.
ARREARS = [
    "欠费", "欠咗", "欠了", f"欠{G}{{0,4}}电费", "没交电费", "冇交电费", "未交电费", "没交",
    "冇交", "未交", "忘记交", "忘了交", "唔记得交", "交完", "补交", "缴清", "交清",
]  # fmt: skip

# A planned outage in the future, or the notice of one.
SCHEDULED = [
    "计划停电", "检修停电", "停电通知", "停电公告", "停电安排", "停电计划", "预停电",
    "计划检修", "检修", "停电时间", "会停电", "要停电", "会不会停", "会唔会停", "有没有停电",
    "有冇停电", "停不停电", "停唔停电", r"停电(吗|嘛|么|冇|没有|不|唔)(?!了)", "几点到几点",
    "明天", "明日", "听日", "后天", "后日", "大后天", "下周", "下个星期", "下星期", "下礼拜",
    "下个礼拜", "这周", "本周", "这个礼拜", "呢个礼拜", "这星期", "这个星期", "这个月", "下个月",
    "周末", r"(周|星期|礼拜)[一二三四五六日天]", "今晚会", "今晚要", "端午", "国庆", "春节",
    "中秋", "放假", "过年", r"(?<![组队社\d])\d+号(?!楼|栋|房|座)", "听说", "听讲", "听人讲", "听人说", "通知说", "贴了",
]  # fmt: skip
# The outage is happening now, whatever the time words around it say.
NOW = [
    "停电了", "又停电", "又停", "没电了", "冇电了", "冇晒电", "停咗电", "突然", "现在", "而家",
    "宜家", "刚刚", "刚才", "头先", "啱啱", "一直没电", "到现在", "到而家", "还没来电",
    "仲未来电", "黑了", "黑晒", "停晒",
]  # fmt: skip
# Past or habitual outages (yesterday's, every time's): no fault now.
PAST = [
    "昨天", "昨日", "琴日", "寻日", "前天", "前日", "上周", "上个星期", "上星期", "上礼拜",
    "上个礼拜", "上次", "上回", "每次", "次次", "每回", "之前", "以前", "上个月", "前几天",
    "前几日", "去年", r"(几|两|三|四|五|六|七|八|九|十|好多|多)次",
]  # fmt: skip
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

# Refers to a repair already reported: how is it going, when will the worker come.
PROGRESS_STRONG = [
    "报的修", "报了修", "报咗修", "报修了", "报修咗", "报修的", "报嘅", "报的", "报咗",
    "报修单", "单号", "工单", "派单", "跟进", "处理到哪", "处理得怎么样", "处理好了没",
    "处理了吗", "有人处理吗", "有结果", "进度", "修好了没", "修好了吗", "修好未", "修好没",
    "修好冇", "整好未", "整好了没", "修得怎么样", "修成点", "换好了吗", "换好未", "搞掂未",
    "搞定了吗", "那个停电", "嗰个停电",
]  # fmt: skip
PROGRESS_WEAK = [
    f"(师傅|电工|工作人员|抢修|维修|修理|修电线的|人){G}{{0,8}}"
    r"(到了吗|到了没|到了未|到未|到边|到哪|出发|几点到|几时到|几点先到|什么时候到|多久到|"
    r"还来不来|来不来|嚟唔嚟|还要多久|几点回来|什么时候来|几时来|几时嚟|几点来|到咗未)",
    "还没人来", "还没有人来", "仲未有人", "仲未嚟", "怎么还没来", "还没到", "仲未到",
    "要等多久", "还要等多久", "等到几时", "几点先到", "到边了", "还来不来", "几点回来",
    "几时返嚟", "什么时候回来",
]  # fmt: skip

# Complains about the service or staff, or says they will complain.
COMPLAINT = [
    "投诉", "举报", "曝光", "12345", "市长热线", "差评", f"态度{G}{{0,2}}(差|恶劣|唔好|不好|嚣张)",
    "太差", "好差", "很差", "真差", "不负责", "唔负责", "冇责任", "没有责任心", "不专业",
    f"效率{G}{{0,2}}(低|差|慢)", "太慢", "慢吞吞",
    "太拽", "爱答不理", "爱理不理", "不理人", "唔理人", "没人理", "冇人理", "没人管", "冇人管",
    "无人管", "没人回", "冇人回", "从来没人", "没人接", "冇人接", "打不通", "打唔通", "忙音",
    "不想接", "什么服务", "乜服务", "咩服务", "太过分", "过分", "离谱", "不像话", "有什么用",
    "有乜用", "有咩用", "求其", "敷衍", "糊弄", "马虎", "推卸", "推来推去", "不作为", "冇人做嘢",
    "没人做事", "不道歉", "唔道歉", "没人解释", "冇人解释", "不提前通知", "唔提前通知",
    "都唔通知", "都不通知", "乱收费", "骗人", "垃圾", "失望", "气死", "搞乜鬼",
    "等等等", "拖了", "拖到", "一拖再拖", "踩烂", "弄坏", "搞坏", "凭什么",
]  # fmt: skip
# Asking how or where to complain is the hotline FAQ, not a complaint.
COMPLAINT_HOW = [
    f"(怎么|怎样|如何|点样|点|哪里|哪儿|边度|去哪|在哪){G}{{0,3}}(投诉|反馈|提意见)",
    f"投诉{G}{{0,2}}(电话|热线|渠道|途径|方式)",
]

# Where or how to find out about outages: the outage-notice FAQ, not a query.
WHERE_TO_SEE = [
    "在哪里看", "哪里看", "哪里可以看", "哪里查", "在哪里发布", "哪里发布", "在哪里发",
    "边度睇", "喺边度睇", "有冇地方", "有没有地方", "去哪里看", "去哪看", "怎么知道",
    "点样知", "点知", "提前知道", "怎样知道", "如何知道", "哪里通知", "哪里公布", "在哪里可以看到",
]  # fmt: skip

# Card / prepaid meter questions: the prepaid-meter FAQ unless power is out now.
PREPAID = ["卡表", "插卡", "预付费", "预存", "余额用完", "用完会", "充值"]
