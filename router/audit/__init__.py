"""The audit trail: a record per request, committed before any model sees the request."""
