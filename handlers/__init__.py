"""Feature handlers, one module per feature, each with one `router`."""
