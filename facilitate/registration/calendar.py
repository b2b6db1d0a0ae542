"""A workshop as an .ics calendar event with the participant's own room link."""

from __future__ import annotations

from icalendar import Calendar, Event, vText

from ..models import Workshop
from ..timeutil import local_datetime, now_utc


def workshop_event(workshop: Workshop, room_url: str, page_url: str) -> bytes:
    """One VEVENT in Finnish time; the UID is stable so a second download updates the first."""
    calendar = Calendar()
    calendar.add("prodid", "-//THL//facilitate//FI")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"workshop-{workshop.id}@facilitate")
    event.add("dtstamp", now_utc())
    event.add("dtstart", local_datetime(workshop.day, workshop.starts_at))
    event.add("dtend", local_datetime(workshop.day, workshop.ends_at))
    event.add("summary", f"{workshop.series.title}: {workshop.title}")
    lines = [workshop.format, "", f"Osallistu: {room_url}", f"Oma ilmoittautuminen: {page_url}"]
    if workshop.description:
        lines += ["", workshop.description]
    event.add("description", "\n".join(lines).strip())
    event.add("location", vText(workshop.format or room_url))
    event.add("url", room_url)
    calendar.add_component(event)
    return calendar.to_ical()
