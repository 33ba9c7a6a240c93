"""Transport-neutral message models: what a gateway hands in and what the bot sends out.

Gateways convert their own objects to these at the edge; handlers see only these.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class Kind(StrEnum):
    text = "text"
    image = "image"
    voice = "voice"
    other = "other"


class Conversation(BaseModel):
    """Where a message was said or goes: a group chat, or a private chat with one person.

    For a group, `id` is the transport's room id and `topic` its name (the key the
    config uses). For a private chat, `id` is the other person's id.
    """

    model_config = ConfigDict(frozen=True)

    id: str
    topic: str | None = None
    is_group: bool = False

    @classmethod
    def group(cls, id: str, topic: str | None = None) -> Conversation:
        return cls(id=id, topic=topic if topic is not None else id, is_group=True)

    @classmethod
    def private(cls, person_id: str) -> Conversation:
        return cls(id=person_id, is_group=False)

    def label(self) -> str:
        return f"group:{self.topic}" if self.is_group else f"dm:{self.id}"


class Person(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    name: str = ""

    @property
    def display(self) -> str:
        return self.name or self.id


class Incoming(BaseModel):
    """One message the bot received."""

    model_config = ConfigDict(frozen=True)

    id: str
    conversation: Conversation
    sender: Person
    text: str = ""
    mentioned: bool = False
    kind: Kind = Kind.text
    time: datetime
    from_self: bool = False


class Mention(BaseModel):
    """Someone an outgoing group message @-mentions; `name` is what the text shows."""

    model_config = ConfigDict(frozen=True)

    id: str
    name: str = ""


class Outgoing(BaseModel):
    """One message the bot sends. Mentions are rendered by the gateway, not in `text`."""

    model_config = ConfigDict(frozen=True)

    conversation: Conversation
    text: str
    mentions: tuple[Mention, ...] = Field(default_factory=tuple)

    @property
    def mention_ids(self) -> list[str]:
        return [m.id for m in self.mentions]

    def rendered(self, separator: str = " ") -> str:
        """The text as a chat client shows it: `@Name` for each mention, then the text."""
        prefix = "".join(f"@{m.name or m.id}{separator}" for m in self.mentions)
        return prefix + self.text
