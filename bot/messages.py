"""Transport-neutral message models: what a gateway hands in and what the bot sends out.

Gateways convert their own objects to these at the edge; handlers see only these.
"""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator

# Characters a phone does not show but that break reading and matching: control
# characters (Unicode Cc, but newline; a tab becomes a space) and format characters (Cf:
# zero-width spaces and joiners, bidi marks and overrides, the BOM, soft hyphens...).
# Voice-to-text and copy-paste leave them inside words ("5栋\u200b1单元"); an RTL override
# would turn a worker's dispatch text around. tests/test_replies.py checks this list
# against unicodedata.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\xad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891"
    "\u08e2\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff"
    "\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f]"
)


def clean_text(text: str) -> str:
    """Text without invisible characters: what reaches the reader, the store and a phone."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return _INVISIBLE.sub("", text)


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

    @field_validator("name")
    @classmethod
    def _visible(cls, name: str) -> str:
        return clean_text(name)

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

    @field_validator("text")
    @classmethod
    def _visible(cls, text: str) -> str:
        return clean_text(text)


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

    @field_validator("text")
    @classmethod
    def _visible(cls, text: str) -> str:
        return clean_text(text)

    @property
    def mention_ids(self) -> list[str]:
        return [m.id for m in self.mentions]

    def rendered(self, separator: str = " ") -> str:
        """The text as a chat client shows it: `@Name` for each mention, then the text."""
        prefix = "".join(f"@{m.name or m.id}{separator}" for m in self.mentions)
        return prefix + self.text
