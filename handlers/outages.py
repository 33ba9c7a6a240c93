"""Questions about planned outages (计划停电).

明天停电吗         查询计划停电安排
"""

from __future__ import annotations

from bot.messages import Incoming
from bot.router import Context, Router
from handlers.common import understand
from handlers.nlu.models import Intent

router = Router(name=__name__)

# What residents read.
NO_NOTICE = (
    "目前群里没有收到计划停电通知。计划停电会提前在本群发布，也可在南网在线App或"
    "「南方电网95598」公众号查询，或拨打{hotline}。"
)


@router.message(lambda m, c: understand(m, c).intent is Intent.outage_query)
async def answer_outage_query(msg: Incoming, ctx: Context) -> str:
    return NO_NOTICE.format(hotline=ctx.config.station.hotline)
