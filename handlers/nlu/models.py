"""What the bot understands from one message: the contract of `powerbot parse`.

See ../shared/eval/README.md for the meaning of every field.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class Intent(StrEnum):
    fault_report = "fault_report"
    faq = "faq"
    outage_query = "outage_query"
    progress_query = "progress_query"
    complaint = "complaint"
    other = "other"


class FaultType(StrEnum):
    household_outage = "household_outage"
    area_outage = "area_outage"
    trip = "trip"
    voltage = "voltage"
    meter = "meter"
    hazard = "hazard"
    other = "other"


class Address(BaseModel):
    model_config = ConfigDict(frozen=True)

    community: str | None = None
    building: str | None = None
    unit: str | None = None
    room: str | None = None

    def is_empty(self) -> bool:
        return not (self.community or self.building or self.unit or self.room)

    def merged_over(self, older: Address) -> Address:
        """This address, with fields it lacks taken from an older one."""
        return Address(
            community=self.community or older.community,
            building=self.building or older.building,
            unit=self.unit or older.unit,
            room=self.room or older.room,
        )


class Understanding(BaseModel):
    model_config = ConfigDict(frozen=True)

    intent: Intent = Intent.other
    fault_type: FaultType | None = None
    urgent: bool = False
    address: Address | None = None
    faq_id: str | None = None
    # Extras, ignored by the scorer: how sure the FAQ match is, and whether the
    # text itself named a place (as opposed to the group's default community).
    faq_score: float | None = None
    address_in_text: Address | None = None
    # Maybe a report that nothing read as one (or a question that may be one): ask the
    # resident whether to report it rather than answer or stay silent.
    confirm: bool = False
    # Why the readers disagreed, when they did: kept for an admin to label.
    unsure: str | None = None
    # It names power or an electrical thing (a question nobody can answer goes to a
    # person only then; 电梯坏了 or 垃圾几点收 are somebody else's).
    about_power: bool = False
