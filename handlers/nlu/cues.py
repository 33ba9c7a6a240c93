"""Intent cues: the words that say what a message wants, apart from the fault itself.

Plain lists of regular expressions over normalised text (see `lexicon` for the
conventions). Each list is one signal the intent rules in `intents.py` combine.
"""

from __future__ import annotations

from handlers.nlu.lexicon import ONLY_ME, G

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
    "防止", "预防", "避免", "安全常识", "小常识", "小知识", "安全知识",
    "注意(些|啲|一?下|哪些|什么|啥|咩|乜嘢?|乜|点)*(什么|啥|咩|乜|哪些|事项)",
    "(怎么|怎样|点样|点|如何)(用电)?(先|才)?(安全|算安全)",
    f"(的时候|嘅时候|嗰阵|那时候?){G}{{0,8}}(要不要|要唔要|使唔使|使不使|需不需要|可不可以|可唔可以|能不能|应不应该)",
]  # fmt: skip
# A general question: "usually how long", "what causes". Enough to outweigh a fault word.
GENERAL = [
    "一般", "通常", "一般来说", r"(^|[\s，,。])以后", "将来", "什么原因", "乜原因", "咩原因",
    "怎么判断", "点样判断", "怎么排查", "点样排查",
    "怎么预防", "点样预防", "怎么避免", "如何防止", "怎样防止", "防止", "预防", "避免", f"会{G}{{0,3}}(停电|断电|没电|冇电|跳闸)",
    "可以自己", "自己可以", "能不能自己", "自己点样", "自己怎么",
    "自己(能|可以|可|要|应该|先)?(查|检查|排查|做|处理|搞|睇)(下|一下)?(些|啲)?(什么|啥|咩|乜|哪些|边度)",
    # Some day, not now: 今后, 问下以后..., 以后如果..., 停电之类的故障.
    "今后", "(问|想知道?|了解|咨询)(下|一下)?(以后|将来)", "以后(如果|要是|万一|若果|假如)",
    "之类(的|嘅)?(故障|问题|情况|事|嘢)", "这类(故障|问题|情况|事)", "呢类(故障|问题|情况|嘢)",
    # Policy questions: 停电有没有补偿, 可以申请赔偿吗.
    "(有没有|有冇|有无|能不能|可不可以|可唔可以|可以|能|怎么|如何|点样)(得|申请|要求)?(补偿|赔偿)",
    "(补偿|赔偿|赔)(吗|嘛|么|不|唔|没有|冇)",
    # Who pays or who repairs: 上门收不收费, 表后线路算谁的, 归边个管.
    "收(不|唔)收(费|钱)", "(收费|收钱)(吗|嘛|么|不|唔|没有|冇)", "(要|使)(不|唔)(要|使)(收|给|俾|畀|出)?(钱|费)",
    "(算|归)(谁|边个|哪个|哪方)(的|嘅|管|负责)?", f"(谁|边个|哪个|哪方)(来)?(负责|出钱|俾钱|付钱|承担){G}{{0,2}}(修|维修|整|换|费)",
] + SAFETY_TIPS  # fmt: skip

# Power cut for the speaker's own arrears: the arrears-cutoff FAQ, not a fault.
ARREARS = [
    "欠费", "欠咗", "欠了", f"欠{G}{{0,4}}电费", "没交电费", "冇交电费", "未交电费", "没交",
    "冇交", "未交", "忘记交", "忘了交", "忘咗交", "唔记得交", "交完", "补交", "缴清", "交清", "催费",
    "催缴", "逾期", "(没|冇|未)(扣|交|缴)(成功|到)", "扣(费|款)失败",
    f"(交了|交咗|缴了|交埋|充了){G}{{0,3}}电费", f"电费{G}{{0,3}}(交了|交咗|缴了|交完|交埋)",
]  # fmt: skip
# Something else not handed in or paid (作业还没交, 水费未交): not the power bill.
OTHER_DUES = [
    f"(作业|功课|论文|报告|表格|材料|资料|房租|租金|水费|燃气费|煤气费|话费|网费|宽带费|物业费|管理费|学费|保险)"
    f"{G}{{0,3}}(没|冇|未)交",
]
# Arrears doubted or denied (不知道是不是欠费, 上个月刚交过的): the cut is no arrears cutoff.
ARREARS_DOUBT = [
    "(是不是|系唔系|系咪|是否|会不会|会唔会|难道|唔通)(因为|是|系)?(欠费|欠钱|冇交|没交)",
    "(没有|冇|没|唔系|不是|并非|又没|又冇|从来没|从来冇)(欠费|欠钱|欠过|拖欠)",
    "(交|缴)过(了|咗)?(的|嘅)?",
    "(上个?月|上次|早就|一早|早已|每个月都)(刚|已经|都)?(交|缴|充|扣)",
]

# "Will it have to": 是不是要停电 asks about a plan; 是不是停电了 asks about now.
WILL_IT = "((是不是|是否|系咪|系唔系|是唔是)(要|会)|要不要|要唔要|使不使|使唔使|用不用|用唔用)"
# An announced outage or repair moved to another day: 停电改到哪天, 检修推迟到下周.
MOVED = "(改到|改去|改在|改期|改(了|咗)(日子|时间|期)|推迟|推后|延期|延后|顺延|押后|挪到|提前到)"
RESCHEDULED = [
    f"(停电|断电|检修|线路改造|电网改造)[^。!！?？]{{0,10}}{MOVED}",
    f"{MOVED}{G}{{0,8}}(停电|断电|检修)",
]
# A planned outage in the future, or the notice of one.
PLANNED = RESCHEDULED + [
    f"(安排|计划)(了|咗|好|过)?{G}{{0,2}}(停电|断电)",
    "计划停电", "检修停电", "停电通知", "停电公告", "停电安排", "停电计划", "预停电", "计划检修",
    "检修", "停电时间", "会停电", "要停电", "会不会停", "会唔会停", "有没有停电", "有冇停电",
    "停不停电", "停唔停电", r"停电(吗|嘛|么|冇|没有|不|唔)(?!了)", "几点到几点", "几点开始停",
    "几点停", "几时停", "停到几点", "停几耐", "停多久", "停几个钟", "听说", "听讲", "听人讲",
    "听人说", "通知说", "通知讲", "话要停", f"会{G}{{0,3}}(停电|断电|没电|冇电)",
    f"{WILL_IT}{G}{{0,3}}(停电|断电|停)",
]  # fmt: skip
# How things usually go: a question about notices in general, not about one outage.
USUALLY = ["一般", "通常", "平时", "平常", "每次", "一直以来"]
# Planned-outage phrases that name the stop itself ("how long will it be off").
PLANNED_STOP = RESCHEDULED + [
    "停几耐", "停多久", "停几个钟", "几点停", "几时停", "停到几点", "几点开始停", "会不会停",
    "会唔会停", "话要停", f"{WILL_IT}{G}{{0,3}}停",
    "停(成|一|整|全|半)(日|天|晚|夜|上午|下午|个上午|个下午)", "停(到|去)(几点|几时|什么时候)",
]  # fmt: skip
# Days ahead: a planned outage when they sit in the same clause as an outage event word
# (停电, 断电: not 没电, which says how things are now).
WHEN = [
    "明天", "明日", "明早", "明晚", "听日", "听朝", "听晚", "后天", "后日", "后晚", "大后天",
    "下周", "下个星期", "下星期", "下礼拜", "下个礼拜", "这周", "本周", "这个礼拜", "呢个礼拜",
    "这星期", "这个星期", "这个月", "下个月", "周末", r"(周|星期|礼拜)[一二三四五六日天]",
    "今晚", "端午", "国庆", "春节", "中秋", "放假", "过年", r"(?<![组队社村\d\ue000])\d+号(?!楼|栋|房|座|\d)",
]  # fmt: skip
# 又停了 happened again; 又要停 / 又会停 is another plan.
AGAIN_NOW = f"又(?!要|会|得|话|说|讲){G}{{0,2}}"
# The outage is happening now, whatever the time words around it say: a time of now...
NOW = [
    f"{AGAIN_NOW}(停|冇|没|无|黑|断)", "现在", "而家", "宜家", "依家", "刚刚", "刚才", "头先", "啱啱",
    "一直没电", "到现在", "到而家", "还没来电", "仲未来电", "目前", "这会", "眼下",
    ONLY_ME,  # 是不是只有我家停电: no plan is for one home
    "(怎么|点解|咋|为什么|为啥)(今天|今日|而家|现在)?(就|又|突然|已经|提前)?(停|冇|没|断)(了|咗|电了)",
]  # fmt: skip
# 不是现在停电: the present is named only to be denied.
NOT_NOW = [
    "(不是|唔系|并非|不系)(说|讲)?(现在|而家|宜家|依家|今日|今天|今晚)(?![^，,。?？]{0,4}[吗嘛么咩])"
]
TODAY = ["今天", "今日", "今晚", "今朝", "今早", "今晨", "今个"]
# ... or an event told as news (突然停电了). Next to a past day (上周三突然停电) it is
# that day's event, not now.
NOW_EVENT = ["停电了", "没电了", "冇电了", "冇晒电", "停咗电", "突然", "黑了", "黑晒", "停晒"]
# It happened again: a new fault, even after an earlier report.
AGAIN = [f"{AGAIN_NOW}(停|冇|没|无|黑|断|跳|闪)", "再次停电", "又一次"]
# Past or habitual outages (yesterday's, every time's): no fault now, when they come
# just before the outage word.
PAST = [
    "昨天", "昨日", "琴日", "寻日", "前天", "前日", "昨晚", "琴晚", "寻晚", "前晚", "昨夜", "上周", "上个星期", "上星期", "上礼拜",
    "上个礼拜", "上次", "上回", "每次", "次次", "每回", "之前", "以前", "上个月", "前几天",
    "前几日", "去年", r"(几|两|三|四|五|六|七|八|九|十|好多|多)次", "经常", "老是", "总是",
    "三天两头", "隔三差五", "动不动",
]  # fmt: skip
# A day or an occasion gone by (not a habit: 经常 may still be happening).
PAST_DAY = [
    "昨天", "昨日", "琴日", "寻日", "前天", "前日", "昨晚", "琴晚", "寻晚", "前晚", "上周", "上个?星期", "上个?礼拜", "上次", "上回",
    "之前", "上个月", "前几天", "前几日", "早几日", "早几天", "去年", "那次", "嗰次",
]  # fmt: skip
# A period just after an outage word: "during the outage", "after the outage".
PERIOD = ["期间", "的时候", "嘅时候", "之后", "以后", "后来"]
ONGOING = [
    "(什么时候|几时|几点|多久|何时|几耐)(才|先|能|可以|会)?(来电|有电|恢复|复电)",
    "(来电|有电)(吗|未|没|冇)",
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
    "一直",
    "还在",
    "仍在",
    "仲喺",
    "仲在",
]
# Power is back: the outage is over.
RESTORED = [
    r"(^|[\s，,。!！]|又|已经|现在|而家|宜家|终于)(来电|有电|复电)(了|咗|啦|喇)(?![吗未没冇么])",
    "恢复供电了", "已经恢复", "来咗电", "有返电", "有番电", "(有|来)电(返|番|翻)(了|咗|啦|喇|嘞)",
]  # fmt: skip
# The speaker solved it: 合上就好了, 冇事了, 搞掂咗. Not a question (解决了吗).
SOLVED = [
    "(合|推|拉|开|插|按|复位|重启|换|拨|扳)(上|返|翻|番|好|咗|了|回去|上去)*(就|又|都|已经|后|之后)?"
    "(好了|好咗|好返|好番|得了|得咗|正常了|正常咗|有电了|有电咗|冇事了|没事了|来电了|来咗电|搞掂|"
    "好(?=$|[，,。.!！~\\s]|[^\\u4e00-\\u9fff]))",
    "(搞掂|搞定)(咗|了|喇|啦)", "(冇事|没事)(了|喇|啦|咗)", "没问题了", "解决(了|咗)", "好(返|番)(了|喇|啦|咗)",
    "恢复正常了", "(哦|噢|喔|原来)(没事|冇事|是我|系我|搞错)", "虚惊一场",
    "(现在|而家|宜家|已经|又)(好|正常|冇事|没事)(了|咗|返|番|喇|啦)",
    # A false alarm: 害我以为停电, 仲以为跳闸.
    f"以为(是)?{G}{{0,3}}(停电|没电|冇电|断电|跳闸|跳掣|坏)",
]  # fmt: skip
SOLVED_END = "(?![吗嘛么没冇未呢])"  # 解决了吗 asks; 解决了 tells
# Something still wrong after the fix: 合上就好了，但过一阵又跳.
STILL_WRONG = ["但", "可是", "不过", "只是", "就是", "然后", "又", "还是", "仲系", "还有", "另外", "过(了)?一(阵|会)"]  # fmt: skip

NOTICE = "(通知|公告|预告|信息|消息|计划|提醒)"
CHANNEL = "(地方|渠道|平台|公众号|网站|网|app|APP|小程序|群|途径)"
# Where or how to find out about outages: the outage-notice FAQ, not a query.
WHERE_TO_SEE = [
    rf"((哪里|哪儿|哪个|哪些|哪|边度|喺边|边个|边啲){CHANNEL}?|(什么|乜嘢|咩){CHANNEL})"
    rf"{G}{{0,4}}(可以|能|会|先)?(看|睇|查|发(?!生|现)|公布|找|揾|收到|得知|关注)", "有冇地方", "有没有地方",
    r"(怎么|怎样|如何|点样|点先|从哪|喺边|去边)(才|先)?(可以|能)?(提前|预先|及时)?(知道|得知|收到|知|接到)", "点知",
    r"(发|贴|公布|发布|通知|公告)(在|喺|到)(哪|边)",
    f"(有没有|有冇|哪个|边个|什么|乜嘢|咩){G}{{0,8}}(公众号|小程序|app|APP|网站|官网|平台|渠道)",
    f"{NOTICE}(可以|能|要|会)?(点样?|怎么|怎样|如何|去哪|去边|喺边|在哪)?(睇|看|查|订阅|收)",
    f"(查|睇|看|订阅|关注)(?!到)(一下|下)?{G}{{0,6}}{NOTICE}", "订阅", "提前(通知|告知|知会|公告|发)",
    f"{NOTICE}{G}{{0,6}}(早点|早啲|及时)(发|出|贴|通知|公布)",
    f"{NOTICE}{G}{{0,6}}(短信|微信|公众号|小程序|app|APP|网站|群|手机)",
]  # fmt: skip

# How long a procedure takes (申请校表多久有结果, 装充电桩要等多久): the FAQ, not the
# progress of a report.
PROCEDURE = [
    f"(申请|办理|办|新装|报装|增容|过户|更名|开户|安装|装|校验|验表|校表|开通){G}{{0,10}}"
    "(多久|几耐|多长时间|几天|几日|几个工作日|几时先)",
]
# How to report a fault: with no home or place named, a question, not a report.
HOW_TO_REPORT = [
    r"(怎么|怎样|如何|点样|点)报(修|障)", "找谁报修", "找谁修", "找边个", "揾边个", "报修电话",
    r"打(什么|咩|边个|哪个|几多号)电话", "联系谁", "找哪个部门", "报(修|障)(的话|嘅话)",
    f"报(修|障|故障)(要|需要|得|应该|时|嘅时候|的时候|前|之前)?{G}{{0,6}}(提供|准备|带|填|登记|资料|信息|材料|证件|步骤|流程|手续|留)",
    f"报(修|障){G}{{0,6}}(讲|说)(清楚|咩|乜|什么|啲乜)",
    "报(修|障)(后|之后|以后)(一般|通常)?(多久|几耐|几时|多长时间)",
    f"群(里|度|入面|上|内)?(报|讲|说|发){G}{{0,4}}(还是|定系|抑或|就得|就可以|得唔得|可不可以|行不行)",
    "(还是|定系|抑或)(要)?打(电话|95598)", "(需要|要|应该|得)(讲|说|提供|报|留)(些|啲)?(什么|啥|咩|乜嘢?|哪些|边啲)",
]  # fmt: skip
# A report made earlier: "I reported it this morning".
REPORTED = [
    "报(了|咗|过)", f"(上午|下午|早上|晚上|昨天|昨晚|琴日|寻日|前天|今朝|刚才|刚刚|头先|啱先|已经|之前){G}{{0,3}}报",
    f"(打了|打咗|打过|拨了|拨过|致电了){G}{{0,6}}(95598|电话|热线|客服)",
    "单号", "工单", "派单", "我(的|嘅)(报修|工单|单)",
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
    r"\?", "？", "吗", "嘛", "么", "呢", "啥", "怎么", "怎样", "如何", "点样", "点解", "点搞", "几时",
    "几点", "几多", "多少", "多久", "哪", "边度", "边个", "咩", "乜", "谁", "能不能", "可不可以",
    "可唔可以", "系咪", "是不是", "有没有", "有冇", "要不要", "会不会", "想问", "请问", "想知",
    r"([\u4e00-\u9fff])[不唔没冇]\1", "几[天日耐个钱蚊度号岁次]", "还是", "定系", "抑或", "不知道", "唔知",
    "(咗|了)未", "点(?<![0-9一二三四五六七八九十两几]点)(算|交|缴|办|查|睇|计|申请|开通|取消|搞|去|揾|找|收|用|改)",
]  # fmt: skip
# An ask without a question word: "please tell me", "help me check".
REQUEST = [
    "请(?!大家|各位)", "麻烦", "帮我", "帮手", "帮忙", "告诉我", "话我知", "讲下", "说下", "问下", "问一下",
    "教下", "教我", "求", "想了解", "咨询", "了解下", "唔该(?!晒)",
    "想(要)?(申请|办|办理|开通|取消|增容|过户|报装|开户|更改|改|查|开|装|看|睇|知道)",
    "(想|要)(给你们|同你哋|向你们|跟你们)?(提(个|点|些|啲|下)?(意见|建议)|反映|反馈)",
]  # fmt: skip
# Said to the whole group: a reminder or a tip for neighbours, not a question to the bot.
ADDRESSEE = ["大家", "各位", "街坊", "乡亲", "家人们", "兄弟姐妹", "朋友们", "邻居们", "左邻右里"]
# The speaker's own account or bill: a statement of it is a question in all but form.
OWN_MATTER = [
    "我", "本人", "自己", "俺", "(交|缴|充|扣|付|转|买|办|申请|开户|过户|装|报)(咗|了|过|完|好)",
    f"(电费|账单|余额|户号|电表|卡表|度数){G}{{0,6}}(贵|高|多|少|不对|唔对|错|异常|到账|扣|涨|加)",
    "(没|冇|未|不)到账",
]  # fmt: skip
# Hearsay about an outage asks for confirmation; a notice already posted informs.
HEARSAY = ["听说", "听讲", "听人讲", "听人说", "有人说", "有人讲"]
NOTICE_POSTED = [f"(贴|发|出)(了|咗|出|喺|在|出来){G}{{0,4}}(通知|公告)", "已经(贴|发|通知|公布)"]

# Posted to everyone about work on shared equipment (电梯保养暂停使用): a notice, no fault.
NOTICE_TO_ALL = [
    "@所有人", "@全体", "@all", "@ALL", "温馨提示", "(通知|公告|告示)[:：]", "请(大家|各位|业主|住户|居民)", "各位(业主|住户|街坊|居民)",
]  # fmt: skip
MAINTENANCE = ["保养", "维保", "维护", "年检", "检修", "施工", "清洗", "改造", "(暂停|停止)(使用|服务|运行|开放)"]  # fmt: skip
