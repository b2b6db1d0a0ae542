"""Mail to participants through a real SMTP server (aiosmtpd, started here): what arrives, in
which language, once only, and what happens while the server is down."""

from __future__ import annotations

import re
import time
from datetime import timedelta
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from mail_server import Inbox
from sqlalchemy import select

from facilitate.extensions import db
from facilitate.mail import messages
from facilitate.models import MailKind, OutgoingMail, Registration
from facilitate.timeutil import now_utc, to_local


def _subject(message: EmailMessage) -> str:
    # A long encoded subject is folded onto the header's next line, leaving a leading space.
    return str(message["Subject"]).strip()


def _text(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def _html(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def _token(text: str, path: str, site: str = "http://localhost") -> str:
    found = re.search(rf"{re.escape(site)}/{path}/([A-Za-z0-9_-]+)", text)
    assert found, text
    return found.group(1)


def _form(**fields: Any) -> dict[str, Any]:
    return {"name": "Maija Meikäläinen", "email": "maija@example.fi",
            "organisation": "varsinaissuomi", "other_organisation": "",
            "wish": ["Työnkuvat"]} | fields


def test_registering_mails_a_confirmation_with_the_links_and_the_calendar_event(
        client, make_workshop, inbox):
    workshop = make_workshop(title="Jälkihuollon vertaisreflektio")
    response = client.post(f"/invite/{workshop.invitation_token}", _form())
    assert response.status_code == 302
    [message] = inbox.wait(1)
    assert message["X-Envelope-To"] == "maija@example.fi"
    assert _subject(message) == (f"Ilmoittautuminen vastaanotettu: {workshop.series.title}: "
                                  "Jälkihuollon vertaisreflektio")
    assert message["Auto-Submitted"] == "auto-generated"
    text, html = _text(message), _html(message)
    assert text.startswith("Hei Maija Meikäläinen,")
    # The mailed link is a working private link, and so is the room link.
    token = _token(text, "me")
    assert client.get(f"/me/{token}").status_code == 200
    assert _token(text, "room") == token
    # HTML and text say the same; nothing in the HTML loads from anywhere or tracks the reader.
    assert f'href="http://localhost/me/{token}"' in html and "<img" not in html
    assert set(re.findall(r'(?:href|src)="(https?://[^/"]+)', html)) == {"http://localhost"}
    [calendar] = [part for part in message.iter_attachments()]
    assert calendar.get_content_type() == "text/calendar"
    assert calendar.get_filename() == f"tilaisuus-{workshop.day.isoformat()}.ics"
    assert "BEGIN:VEVENT" in calendar.get_content()
    # Sent, so the stored copy no longer holds the link.
    stored = db.session.scalar(select(OutgoingMail))
    db.session.refresh(stored)
    assert stored.sent_at is not None and token not in stored.text_body + stored.html_body


@pytest.mark.parametrize(("choose", "greeting", "subject"), [
    ({"headers": {"Accept-Language": "sv-FI,sv"}}, "Hej", "Anmälan mottagen"),
    ({"query_string": {"lang": "en"}}, "Hello", "Registration received"),
])
def test_mail_is_in_the_language_the_participant_registered_in(
        client, make_workshop, inbox, choose, greeting, subject):
    workshop = make_workshop()
    response = client.post(f"/invite/{workshop.invitation_token}", _form(), **choose)
    assert response.status_code == 302
    [message] = inbox.wait(1)
    assert _subject(message).startswith(subject)
    assert _text(message).startswith(f"{greeting} Maija Meikäläinen")
    registration = db.session.scalar(select(Registration))
    assert registration.language == {"Hej": "sv", "Hello": "en"}[greeting]


def test_the_address_registered_again_gets_a_new_link_and_keeps_the_old(
        client, make_workshop, inbox):
    workshop = make_workshop()
    url = f"/invite/{workshop.invitation_token}"
    first = client.post(url, _form())
    own = first.headers["Location"].rsplit("/", 1)[1]
    client.post(url, _form(name="Joku muu", email="Maija@Example.fi"))
    confirmation, again = inbox.wait(2)
    assert again["X-Envelope-To"] == "maija@example.fi"
    assert _subject(again).startswith("Henkilökohtainen linkkisi")
    text = _text(again)
    assert "tietoihin ei tehty muutoksia" in text and "Joku muu" not in text
    new = _token(text, "me")
    assert new != own
    assert client.get(f"/me/{new}").status_code == 200
    assert client.get(f"/me/{own}").status_code == 200


def test_while_the_mail_server_is_down_the_registration_is_kept_and_the_mail_retried(
        client, coordinator_client, make_workshop, smtp_port):
    workshop = make_workshop()
    response = client.post(f"/invite/{workshop.invitation_token}", _form())
    # Saved, and the participant is on their page as if nothing had happened.
    assert response.status_code == 302 and "/me/" in response.headers["Location"]
    assert client.get(response.headers["Location"]).status_code == 200
    stored = db.session.scalar(select(OutgoingMail))
    db.session.refresh(stored)
    assert (stored.sent_at, stored.attempts) == (None, 1)
    assert "Connection refused" in stored.last_error
    assert stored.due_at > now_utc() + timedelta(seconds=50)
    # The coordinator sees what did not go out, and why.
    page = coordinator_client.get(f"/manage/workshops/{workshop.id}").get_data(as_text=True)
    assert "maija@example.fi" in page and "Connection refused" in page
    # The server comes back; the coordinator sends it now (cron would, once it is due).
    received = Inbox()
    controller = Controller(received, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        response = coordinator_client.post(f"/manage/workshops/{workshop.id}/mail/retry")
        assert response.status_code == 302
        [message] = received.wait(1)
    finally:
        controller.stop()
    assert message["X-Envelope-To"] == "maija@example.fi"
    db.session.refresh(stored)
    assert stored.sent_at is not None and stored.attempts == 2
    page = coordinator_client.get(f"/manage/workshops/{workshop.id}").get_data(as_text=True)
    assert "Lähetetty: 1. Lähettämättä: 0." in page


def test_reminders_go_out_once_to_tomorrows_participants(app, make_workshop, register, inbox):
    tomorrow = to_local(now_utc()).date() + timedelta(days=1)
    workshop = make_workshop(day=tomorrow)
    later = make_workshop(day=tomorrow + timedelta(days=1))
    for name in ("Anna", "Bertta"):
        register(workshop, name=name, email=f"{name.lower()}@example.fi")
    register(later, name="Cecilia", email="cecilia@example.fi")
    runner = app.test_cli_runner()
    # From cron there is no request to take the site's address from.
    refused = runner.invoke(args=["send-reminders"])
    assert refused.exit_code == 1 and "Aseta PUBLIC_BASE_URL" in refused.output
    app.config["PUBLIC_BASE_URL"] = "https://vertaisreflektiot.example.fi"
    result = runner.invoke(args=["send-reminders"])
    assert result.exit_code == 0, result.output
    assert f"Reminders for {tomorrow.isoformat()}: 2 new; sent 2, not sent 0." in result.output
    reminders = inbox.wait(2)
    assert sorted(m["X-Envelope-To"] for m in reminders) == ["anna@example.fi",
                                                             "bertta@example.fi"]
    for message in reminders:
        assert _subject(message).startswith("Muistutus huomisesta:")
        assert _token(_text(message), "room", "https://vertaisreflektiot.example.fi")
    # Cron runs it again (and again): nobody gets a second one.
    assert "0 new" in runner.invoke(args=["send-reminders"]).output
    time.sleep(0.2)
    assert len(inbox.messages) == 2
    kinds = db.session.scalars(select(OutgoingMail.kind)).all()
    assert sorted(kinds).count(MailKind.REMINDER) == 2


def test_send_mail_sends_what_is_due_and_nothing_twice(app, make_workshop, register, inbox):
    workshop = make_workshop()
    registration, _token_ = register(workshop)

    with app.test_request_context():
        messages.link(db.session, registration)
    db.session.commit()
    runner = app.test_cli_runner()
    assert "Sent 1, not sent 0." in runner.invoke(args=["send-mail"]).output
    assert "Sent 0, not sent 0." in runner.invoke(args=["send-mail"]).output
    assert len(inbox.wait(1)) == 1


def test_a_mail_server_without_the_sites_address_is_refused_at_start():
    from facilitate import create_app
    from facilitate.config import TestingConfig

    config = {"DATABASE_URL": "sqlite://", "MAIL_BACKEND": "", "MAIL_SERVER": "smtp.thl.fi"}
    with pytest.raises(RuntimeError, match="PUBLIC_BASE_URL"):
        create_app(type("Config", (TestingConfig,), config))
    app = create_app(type("Config", (TestingConfig,), config | {
        "PUBLIC_BASE_URL": "https://vertaisreflektiot.thl.fi"}))
    assert app.config["MAIL_BACKEND"] == "smtp"


def test_a_name_is_text_in_the_html_mail_never_a_link(client, make_workshop, inbox):
    workshop = make_workshop()
    client.post(f"/invite/{workshop.invitation_token}",
                _form(name="[Vahvista tilisi](https://evil.example) <b>x</b>"))
    [message] = inbox.wait(1)
    html = _html(message)
    assert "evil.example" not in re.findall(r'href="([^"]+)"', html).__str__()
    assert "[Vahvista tilisi](https://evil.example) &lt;b&gt;x&lt;/b&gt;" in html
    assert _text(message).startswith("Hei [Vahvista tilisi](https://evil.example) <b>x</b>,")


def test_a_refusal_of_one_message_does_not_hold_up_the_others(app, make_workshop, register,
                                                              inbox):
    workshop = make_workshop()
    first, _t1 = register(workshop, email="eka@example.fi")
    second, _t2 = register(workshop, email="toka@example.fi")
    with app.test_request_context():
        broken = messages.link(db.session, first)
        fine = messages.link(db.session, second)
    broken.to_address = "eka@example.fi\nBcc: kaikki@example.fi"  # a header injection
    db.session.commit()
    from facilitate.mail import delivery

    result = delivery.deliver(db.session, [broken.id, fine.id])
    assert (result.sent, result.failed) == (1, 1)
    [message] = inbox.wait(1)
    assert message["X-Envelope-To"] == "toka@example.fi"
    db.session.refresh(broken)
    assert broken.sent_at is None and broken.attempts == 1 and broken.last_error
