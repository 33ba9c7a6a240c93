"""Which power problem a message describes, and whether a life may depend on it.

`fault_type(text)` looks for each kind of fault in the order the contract gives
them precedence: a hazard beats everything; a meter fault (but not a question of
whether the meter is accurate, the meter-check FAQ); a trip; then, with shared
equipment (street and stair lights, lifts, chargers) set aside, voltage and
outages. Shared equipment that failed is `other`, also when the street is dark
because of it. A plain outage is a household or an area one depending on who else
has power. The words are in `lexicon` and `dangers`; this module only combines them.
"""

from __future__ import annotations

import re

from handlers.nlu import dangers
from handlers.nlu import lexicon as lx
from handlers.nlu.lexicon import any_of as _any
from handlers.nlu.models import FaultType

HAZARD = _any(dangers.HAZARD)
TAMPER = _any(lx.TAMPER)
GAS_APPLIANCE = _any(lx.GAS_APPLIANCE)
METER = _any(lx.METER)
NOT_TRIPPED = _any(lx.NOT_TRIPPED)
TRIP = _any(lx.TRIP)
VOLTAGE = _any(lx.VOLTAGE)
CAPACITY_SHORT = _any(lx.CAPACITY_SHORT)
EQUIPMENT_FAULT = _any(lx.EQUIPMENT_FAULT)
SHARED_TRIP = _any(lx.SHARED_TRIP)
LIGHT_FAULT = _any(lx.LIGHT_FAULT)
BATTERY = _any(lx.BATTERY)
OUTAGE = _any(lx.OUTAGE)
POWER_GONE = _any(lx.POWER_GONE)
NO_OUTAGE = _any(lx.NO_OUTAGE)
METER_CHECK = _any(lx.METER_CHECK)
MISREAD = _any(lx.MISREAD)
SELF_LACKS = _any(lx.SELF_LACKS)
BARE_NO_POWER = _any(lx.BARE_NO_POWER)
NEIGHBOURS_OUT = _any(lx.NEIGHBOURS_OUT)
AREA = _any(lx.AREA)
INSIDE = _any(lx.INSIDE)
OTHERS_HAVE = _any(lx.OTHERS_HAVE)
SELF_HAS_POWER = _any(lx.SELF_HAS_POWER)
SELF_OUTAGE = re.compile(f"{lx.SELF}{lx.G}{{0,8}}(?:{'|'.join(lx.OUTAGE)})")
LIFE_SUPPORT = _any(dangers.LIFE_SUPPORT)

OUTAGES = (FaultType.household_outage, FaultType.area_outage)


def fault_type(text: str) -> FaultType | None:
    """The kind of fault the text describes, or None when it names no power problem."""
    text = GAS_APPLIANCE.sub("气", text)
    if HAZARD.search(text):
        return FaultType.hazard
    if TAMPER.search(text):
        return FaultType.other
    if METER.search(text) and not MISREAD.search(text):
        return None if METER_CHECK.search(text) else FaultType.meter
    if TRIP.search(SHARED_TRIP.sub(" ", NOT_TRIPPED.sub(" ", text))):
        return FaultType.trip
    # Street lights, lifts and chargers say nothing about the homes' power or voltage.
    shared = EQUIPMENT_FAULT.search(text) is not None or SHARED_TRIP.search(text) is not None
    rest = EQUIPMENT_FAULT.sub(" ", BATTERY.sub(" ", NO_OUTAGE.sub(" ", text)))
    rest = CAPACITY_SHORT.sub(" ", rest)  # 容量带不动: too small a supply, not low voltage
    if VOLTAGE.search(rest):
        return FaultType.voltage
    if shared:  # 充电桩用不了，没电: the bare 没电 is the equipment's
        rest = BARE_NO_POWER.sub(" ", rest)
    if OTHERS_HAVE.search(rest) and SELF_LACKS.search(rest):
        return FaultType.household_outage  # 对门有电我没有: an outage said by contrast
    # 隔篱阿叔屋企有电 is the neighbour's home having power, not the speaker's.
    if OUTAGE.search(rest) and not SELF_HAS_POWER.search(OTHERS_HAVE.sub(" ", rest)):
        # In the dark because a street light is out: the light is the fault.
        if not LIGHT_FAULT.search(text) or POWER_GONE.search(rest):
            return outage_scope(rest)
    return FaultType.other if shared else None


def outage_scope(text: str) -> FaultType:
    """Household when only the speaker's home is out, area otherwise (the default)."""
    if NEIGHBOURS_OUT.search(text):
        return FaultType.area_outage
    if OTHERS_HAVE.search(text):
        return FaultType.household_outage
    if AREA.search(INSIDE.sub(" ", text)) or not SELF_OUTAGE.search(text):
        return FaultType.area_outage
    return FaultType.household_outage


def is_urgent(text: str, kind: FaultType | None) -> bool:
    """Every hazard, and any fault where someone's life or health depends on power."""
    return kind is FaultType.hazard or (kind is not None and bool(LIFE_SUPPORT.search(text)))
