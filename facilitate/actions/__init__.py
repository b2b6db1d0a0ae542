"""Agreed actions (toimenpiteet) and what a series carries from one workshop to the next."""
