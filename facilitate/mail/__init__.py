"""Mail to participants: messages composed in their language, queued with what caused them,
and sent (and retried) by `delivery`."""
