"""WeChat @-mentions in message text: `@Name` followed by U+2005, as WeChat writes them.

A group message that mentions the bot carries `@<bot's name>` in its text: `strip_mention`
takes it out so handlers see only what was said. A message the bot sends must show
`@Name` in its text as well as list the mentioned ids: `with_mentions` writes the text.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from bot.messages import Mention, Outgoing

SEPARATOR = "\u2005"  # what WeChat puts after "@Name"


def strip_mention(text: str, names: Iterable[str]) -> tuple[str, bool]:
    """`text` without `@name` for any of `names`, and whether one was there.

    At the very end of a message the separator may be missing (it is trimmed away)."""
    mentioned = False
    for name in names:
        marker = f"@{name}"
        if name and (marker + SEPARATOR in text or text.rstrip().endswith(marker)):
            text = text.replace(marker + SEPARATOR, "").rstrip().removesuffix(marker)
            mentioned = True
    return text.strip(), mentioned


def with_mentions(out: Outgoing, names: Sequence[str]) -> str:
    """`out.text` after `@Name` + separator for each mention; `names[i]` names `out.mentions[i]`.

    An empty name shows the id instead."""
    named = tuple(Mention(id=m.id, name=n) for m, n in zip(out.mentions, names, strict=True))
    return out.model_copy(update={"mentions": named}).rendered(SEPARATOR)
