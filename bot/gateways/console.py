"""A local chat in the terminal: play residents, workers and admins by typing.

Lines are read from the keyboard or a script file; the same lines work in both:

    /as <id> [name]   speak as this person (configured ids take their roles)
    /group <topic>    speak in this group chat
    /dm               speak privately to the bot
    /wait 30m         move the bot's clock on (s, m, h, d) and run what is due
    /image, /voice    send a picture or a voice message
    /help, /quit
    @<bot name> ...   a message that @-mentions the bot
    anything else     a message
"""

from __future__ import annotations

import asyncio
import json
import re
import sys
import uuid
from collections.abc import Awaitable, Callable, Iterable
from datetime import timedelta
from typing import TextIO

from bot.clock import OffsetClock
from bot.gateways.base import Gateway
from bot.messages import Conversation, Incoming, Kind, Outgoing, Person

_WAIT = re.compile(r"^(\d+(?:\.\d+)?)\s*([smhd]?)$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "": "minutes"}
USAGE = __doc__.split("\n\n", 1)[1].strip()


class ConsoleGateway(Gateway):
    name = "console"

    def __init__(
        self,
        clock: OffsetClock,
        *,
        bot_name: str,
        group: str | None,
        out: TextIO | None = None,
        as_json: bool = False,
    ) -> None:
        super().__init__()
        self.clock = clock
        self.bot_name = bot_name
        self.out = out or sys.stdout
        self.as_json = as_json
        self.person = Person(id="resident-1", name="居民")
        self.conversation = Conversation.group(group) if group else Conversation.private("")
        self.on_wait: Callable[[], Awaitable[None]] | None = None

    async def start(self) -> None:
        pass

    async def stop(self) -> None:
        pass

    async def send(self, out: Outgoing) -> None:
        if self.as_json:
            to = (
                {"group": out.conversation.topic}
                if out.conversation.is_group
                else {"person": out.conversation.id}
            )
            line = {"to": to, "mentions": out.mention_ids, "text": out.text}
            print(json.dumps(line, ensure_ascii=False), file=self.out, flush=True)
            return
        where = (
            f"[群 {out.conversation.topic}]"
            if out.conversation.is_group
            else f"[私聊 → {out.conversation.id}]"
        )
        print(f"{where} {out.rendered()}", file=self.out, flush=True)

    async def run_lines(self, lines: Iterable[str]) -> None:
        for line in lines:
            if not await self.feed_line(line.rstrip("\n")):
                break

    async def run_interactive(self) -> None:
        self._say(USAGE)
        loop = asyncio.get_running_loop()
        while True:
            prompt = f"{self._where()} | {self.person.display} > "
            try:
                line = await loop.run_in_executor(None, input, prompt)
            except EOFError:
                break
            if not await self.feed_line(line):
                break

    async def feed_line(self, line: str) -> bool:
        """Act on one typed line; False when the chat should end."""
        text = line.strip()
        if not text or text.startswith("#"):
            return True
        if text.startswith("/"):
            return await self._command(text)
        await self._message(text, Kind.text)
        return True

    async def _command(self, text: str) -> bool:
        word, _, rest = text.partition(" ")
        rest = rest.strip()
        if word == "/as" and rest:
            pid, _, name = rest.partition(" ")
            self.person = Person(id=pid, name=name.strip() or pid)
        elif word == "/group" and rest:
            self.conversation = Conversation.group(rest)
        elif word == "/dm":
            self.conversation = Conversation.private("")
        elif word == "/wait" and _WAIT.match(rest):
            amount, unit = _WAIT.match(rest).groups()
            try:
                self.clock.advance(timedelta(**{_UNITS[unit]: float(amount)}))
            except OverflowError:
                self._say("等待时间太长了，请换一个小一点的数。")
                return True
            if self.on_wait is not None:
                await self.on_wait()
        elif word in ("/image", "/voice"):
            await self._message("", Kind.image if word == "/image" else Kind.voice)
        elif word in ("/quit", "/exit"):
            return False
        else:
            self._say(USAGE)
        return True

    async def _message(self, text: str, kind: Kind) -> None:
        mention = f"@{self.bot_name}"
        mentioned = text.startswith(mention)
        if mentioned:
            text = text[len(mention) :].strip()
        conversation = self.conversation
        if not conversation.is_group:
            conversation = Conversation.private(self.person.id)
        await self.deliver(
            Incoming(
                id=f"console-{uuid.uuid4().hex}",
                conversation=conversation,
                sender=self.person,
                text=text,
                mentioned=mentioned,
                kind=kind,
                time=self.clock.now(),
            )
        )

    def _where(self) -> str:
        return self.conversation.topic if self.conversation.is_group else "私聊"

    def _say(self, text: str) -> None:
        if not self.as_json:
            print(text, file=self.out, flush=True)
