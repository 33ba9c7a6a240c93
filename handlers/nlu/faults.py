"""Which power problem a message describes, and whether a life may depend on it.

`FaultRules.fault_type(text)` looks for each kind of fault in the order the contract
gives them precedence: a hazard beats everything; a meter fault (but not a question
of whether the meter is accurate, the meter-check FAQ); a trip; then, with shared
equipment (street and stair lights, lifts, chargers) set aside, voltage and
outages. Shared equipment that failed is `other`, also when the street is dark
because of it. A plain outage is a household or an area one depending on who else
has power. The words are the lists of kb/words (`faults.txt`, `dangers.txt`); this
module only combines them.
"""

from __future__ import annotations

from handlers.nlu.models import FaultType
from handlers.nlu.words import Vocabulary, lead

OUTAGES = (FaultType.household_outage, FaultType.area_outage)

# The lists this module reads, by the name of the attribute that holds each compiled.
LISTS = (
    "HAZARD", "TAMPER", "GAS_APPLIANCE", "METER", "NOT_TRIPPED", "TRIP", "VOLTAGE",
    "CAPACITY_SHORT", "EQUIPMENT_FAULT", "SHARED_TRIP", "LIGHT_FAULT", "BATTERY", "OUTAGE",
    "POWER_GONE", "NO_OUTAGE", "METER_CHECK", "MISREAD", "SELF_LACKS", "BARE_NO_POWER",
    "NEIGHBOURS_OUT", "AREA", "INSIDE", "OTHERS_HAVE", "SELF_HAS_POWER", "LIFE_SUPPORT",
)  # fmt: skip
REQUIRED = (*LISTS, "SELF", "G")


class FaultRules:
    """The fault-type and urgency rules over one vocabulary."""

    def __init__(self, words: Vocabulary) -> None:
        for name in LISTS:
            setattr(self, name, words.pattern(name))
        self.SELF_OUTAGE = lead(
            f"{words.regex('SELF')}{words.regex('G')}{{0,8}}{words.regex('OUTAGE')}"
        )

    def fault_type(self, text: str) -> FaultType | None:
        """The kind of fault the text describes, or None when it names no power problem."""
        text = self.GAS_APPLIANCE.sub("气", text)
        if self.HAZARD.search(text):
            return FaultType.hazard
        if self.TAMPER.search(text):
            return FaultType.other
        if self.METER.search(text) and not self.MISREAD.search(text):
            return None if self.METER_CHECK.search(text) else FaultType.meter
        if self.TRIP.search(self.SHARED_TRIP.sub(" ", self.NOT_TRIPPED.sub(" ", text))):
            return FaultType.trip
        # Street lights, lifts and chargers say nothing about the homes' power or voltage.
        shared = bool(self.EQUIPMENT_FAULT.search(text) or self.SHARED_TRIP.search(text))
        rest = self.EQUIPMENT_FAULT.sub(" ", self.BATTERY.sub(" ", self.NO_OUTAGE.sub(" ", text)))
        rest = self.CAPACITY_SHORT.sub(" ", rest)  # 容量带不动: too small a supply, not voltage
        if self.VOLTAGE.search(rest):
            return FaultType.voltage
        if shared:  # 充电桩用不了，没电: the bare 没电 is the equipment's
            rest = self.BARE_NO_POWER.sub(" ", rest)
        if self.OTHERS_HAVE.search(rest) and self.SELF_LACKS.search(rest):
            return FaultType.household_outage  # 对门有电我没有: an outage said by contrast
        # 隔篱阿叔屋企有电 is the neighbour's home having power, not the speaker's.
        if self.OUTAGE.search(rest) and not self.SELF_HAS_POWER.search(
            self.OTHERS_HAVE.sub(" ", rest)
        ):
            # In the dark because a street light is out: the light is the fault.
            if not self.LIGHT_FAULT.search(text) or self.POWER_GONE.search(rest):
                return self.outage_scope(rest)
        return FaultType.other if shared else None

    def outage_scope(self, text: str) -> FaultType:
        """Household when only the speaker's home is out, area otherwise (the default)."""
        if self.NEIGHBOURS_OUT.search(text):
            return FaultType.area_outage
        if self.OTHERS_HAVE.search(text):
            return FaultType.household_outage
        if self.AREA.search(self.INSIDE.sub(" ", text)) or not self.SELF_OUTAGE.search(text):
            return FaultType.area_outage
        return FaultType.household_outage

    def is_urgent(self, text: str, kind: FaultType | None) -> bool:
        """Every hazard, and any fault where someone's life or health depends on power."""
        if kind is FaultType.hazard:
            return True
        return kind is not None and self.LIFE_SUPPORT.search(text) is not None
