"""Joining on the day: a workshop's short code and QR code, the join page where a registered
participant gets their link by mail, and walk-ins where the coordinator allows them."""
