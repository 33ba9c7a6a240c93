"""Keeping residents' phone numbers out of group chats."""

from __future__ import annotations

import re

# Mainland mobile numbers, with or without spaces or dashes between the groups.
_PHONE = re.compile(r"(?<!\d)(1[3-9]\d)[\s-]?(\d{4})[\s-]?(\d{4})(?!\d)")


def mask_phones(text: str) -> str:
    """138 1234 5678 -> 138****5678."""
    return _PHONE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)
