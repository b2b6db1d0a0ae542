"""Participants' personal data: retention (`facilitate purge`), access and erasure."""
