"""powerbot runtime: messages, gateways, routing, storage and wiring.

Nothing in this package knows about power faults; that lives in `handlers/`.
"""
