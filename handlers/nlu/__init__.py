"""Message understanding: intent, fault type, urgency, address and FAQ match."""
