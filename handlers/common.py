"""Small helpers the feature handlers share: understanding a message once, and the words
for addresses, fault types, ticket states and local times."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.config import CommunityKind, Config, Worker
from bot.messages import Incoming, Kind
from bot.records import Ticket
from bot.router import Context
from handlers.nlu.models import Address, Understanding

FAULT_WORDS = {
    "household_outage": "家中停电",
    "area_outage": "片区停电",
    "trip": "跳闸",
    "voltage": "电压异常",
    "meter": "电表异常",
    "hazard": "危险情况",
    "other": "其他故障",
}

STATE_WORDS = {
    "open": "正在安排师傅",
    "assigned": "已派给{worker}，等师傅接单",
    "accepted": "{worker}已接单，正在赶来",
    "arrived": "{worker}已到现场处理",
    "done": "已修好",
    "closed": "已处理完毕",
    "joined": "已并入同一次故障处理",
}


def says(msg: Incoming, ctx: Context, words: str) -> bool:
    """Does the message say one of the kb/words list `words` (e.g. URGE, FIRE_NOW)?"""
    rules = ctx.services["understander"].rules
    key = f"normalized:{msg.id}"
    if key not in ctx.data:
        ctx.data[key] = rules.normalize(msg.text)
    return rules.words.pattern(words).search(ctx.data[key]) is not None


def understand(msg: Incoming, ctx: Context) -> Understanding:
    """What the message says, worked out once per message and kept on the context."""
    if "understanding" not in ctx.data:
        if msg.kind is not Kind.text or not msg.text.strip():
            ctx.data["understanding"] = Understanding()
        else:
            topic = msg.conversation.topic if msg.conversation.is_group else None
            u = ctx.services["understander"].understand(msg.text, topic)
            if u.unsure:  # the readers disagreed: keep it for an admin to label
                ctx.store.record_unsure(msg, u.model_dump(mode="json"), u.unsure)
            ctx.data["understanding"] = u
    return ctx.data["understanding"]


def hold_for_confirmation(msg: Incoming, ctx: Context) -> None:
    """Remember a message the bot asked "请问是要报修吗" about; 报修 within the wait reports it
    (handlers.fault_reports.confirm_report)."""
    wait = timedelta(minutes=ctx.config.service.address_wait_minutes)
    ctx.store.hold_confirm(msg, ctx.now() + wait)


def ticket_number(word: str | None) -> int | None:
    """A ticket number as typed (12, ＃12 after NFKC), or None for anything else."""
    if not word or not word.isascii() or not word.isdecimal() or len(word) > 9:
        return None
    return int(word)


def community_kind(config: Config, name: str | None) -> CommunityKind | None:
    community = config.community(name)
    return community.kind if community else None


def address_words(address: Address | None, kind: CommunityKind | None = None) -> str:
    """An address as people write it: 幸福花园 3栋2单元501 / 东岭村 6组15号."""
    if address is None or address.is_empty():
        return "（未提供地址）"
    village = kind is CommunityKind.village
    parts = []
    if address.building:
        parts.append(f"{address.building}{'组' if village else '栋'}")
    if address.unit:
        parts.append(f"{address.unit}单元")
    if address.room:
        parts.append(f"{address.room}{'号' if village else '室'}")
    place = "".join(parts)
    return " ".join(p for p in (address.community or "", place) if p) or "（未提供地址）"


def ticket_address(ticket: Ticket, config: Config) -> str:
    address = Address(
        community=ticket.community, building=ticket.building, unit=ticket.unit, room=ticket.room
    )
    return address_words(address, community_kind(config, ticket.community))


def local_time(when: datetime | None, ctx: Context) -> str:
    """HH:MM in the station's time zone; 明天 HH:MM or 11月27日 HH:MM when not today."""
    if when is None:
        return "—"
    zone = ZoneInfo(ctx.config.bot.timezone)
    local, today = when.astimezone(zone), ctx.now().astimezone(zone).date()
    if local.date() == today:
        return f"{local:%H:%M}"
    if local.date() == today + timedelta(days=1):
        return f"明天 {local:%H:%M}"
    return f"{local.month}月{local.day}日 {local:%H:%M}"


def ticket_state(ticket: Ticket, config: Config) -> str:
    """Where a ticket stands, in words: 李明师傅已接单，正在赶来."""
    return STATE_WORDS[ticket.state].format(worker=worker_label(config, ticket.worker_id))


def worker_label(config: Config, worker_id: str | None) -> str:
    worker = config.worker(worker_id) if worker_id else None
    return titled(worker.name) if worker else "师傅"


TITLE = "师傅"


def titled(name: str) -> str:
    """How residents and colleagues call a worker: 李明师傅; a name that has it keeps one."""
    return name if name.endswith(TITLE) else f"{name}{TITLE}"


def find_workers(config: Config, said: str) -> list[Worker]:
    """The workers `said` can mean: by id, by configured name (with or without 师傅),
    or by surname + 师傅 (王师傅). Several when it is ambiguous; none when nobody fits."""
    said = said.strip().lstrip("@").strip()
    if not said:
        return []
    bare = said.removesuffix(TITLE) or said
    for exact in (
        [w for w in config.workers if said == w.id],
        [w for w in config.workers if said in (w.name, titled(w.name))],
        [w for w in config.workers if bare == w.name.removesuffix(TITLE)],
    ):
        if exact:
            return exact
    if said.endswith(TITLE) and 1 <= len(bare) <= 2:  # a surname: 王师傅, 欧阳师傅
        return [w for w in config.workers if w.name.startswith(bare)]
    return []
