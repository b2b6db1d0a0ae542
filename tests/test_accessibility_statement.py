"""The accessibility statement and its feedback: the Act's five parts, the coordinators' data
and review warning, feedback stored as text, mailed through a real SMTP server, listed with
its age against the 14 days, marked answered; refusals keep what was typed."""

from __future__ import annotations

from datetime import timedelta
from email.message import EmailMessage

from markupsafe import escape
from sqlalchemy import select

from facilitate.accessibility import operations as ops
from facilitate.extensions import db
from facilitate.models import (
    FEEDBACK_MAX_CHARS,
    AccessibilityFeedback,
    AccessibilityStatement,
    AuditEntry,
    MailKind,
    OutgoingMail,
)
from facilitate.timeutil import now_utc

SCRIPT = "<script>alert('x')</script>"
IMAGE = '<img src=x onerror="alert(1)">'
STATEMENT = {"compliance": "partial", "assessed_on": "2026-11-30",
             "assessment_method": "self", "assessor": "THL:n verkkopalvelut",
             "contact_email": "saavutettavuus@thl.example", "automated_check_on": "2026-12-01"}


def _page(response) -> str:
    return response.get_data(as_text=True)


def _save_statement(coordinator_client, **fields) -> None:
    coordinator_client.get("/manage/accessibility")
    response = coordinator_client.post("/manage/accessibility", STATEMENT | fields)
    assert response.status_code == 302, _page(response)


def test_every_page_links_the_statement_and_the_privacy_notice_in_its_footer(
        client, make_workshop):
    workshop = make_workshop()
    series_page = f"/series/{workshop.series.slug}"
    for url in ("/", "/login", "/j", series_page, "/saavutettavuus", "/tietosuoja"):
        footer = _page(client.get(url)).split('<footer class="site-footer">')[1]
        assert 'href="/saavutettavuus"' in footer, url
        assert 'href="/tietosuoja"' in footer, url


def test_the_statement_has_the_acts_five_parts_before_any_coordinator_has_written_it(client):
    page = _page(client.get("/saavutettavuus"))
    for heading in ("Saavutettavuuden tila", "Sisällöt, jotka eivät ole saavutettavia",
                    "Miten saavutettavuus on arvioitu", "Palaute ja yhteystiedot",
                    "Valvontaviranomainen"):
        assert f">{heading}</h2>" in page
    assert "ei ole vielä kirjattu" in page
    assert "Etelä-Suomen aluehallintovirasto" in page
    assert "saavutettavuus@avi.fi" in page and "0295 016 000" in page
    assert 'href="https://www.saavutettavuusvaatimukset.fi"' in page
    assert 'href="/saavutettavuus/palaute"' in page and "14 päivän kuluessa" in page


def test_the_coordinators_data_fills_the_statement_in_each_language(
        client, coordinator_client):
    _save_statement(coordinator_client)
    response = coordinator_client.post("/manage/accessibility/defects", {
        "reason": "noncompliance",
        "description_fi": "Esitysnäkymän sanapilvi ei kerro sanojen määriä ruudunlukijalle.",
        "description_sv": "Ordmolnet i presentationsvyn anger inte antalen för skärmläsare.",
        "description_en": ""})
    assert response.status_code == 302
    page = _page(client.get("/saavutettavuus"))
    assert "täyttää saavutettavuusvaatimukset (WCAG 2.1 -ohjeiston tasot A ja AA) osittain" in page
    assert "Esitysnäkymän sanapilvi" in page and "vaatimusten noudattamatta jättäminen" in page
    assert "itsearviointina 30.11.2026" in page and "THL:n verkkopalvelut" in page
    assert "tehtiin 1.12.2026" in page
    assert 'href="mailto:saavutettavuus@thl.example"' in page

    swedish = _page(client.get("/saavutettavuus?lang=sv"))
    assert "Ordmolnet i presentationsvyn" in swedish and "Esitysnäkymän" not in swedish
    english = _page(client.get("/saavutettavuus?lang=en"))
    # No English text: the Finnish one, marked as Finnish for screen readers.
    assert 'lang="fi">Esitysnäkymän sanapilvi' in english
    assert "Regional State Administrative Agency for Southern Finland" in english

    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["accessibility.update", "accessibility_defect.add"]


def test_a_statement_form_with_errors_says_so_and_keeps_what_was_typed(coordinator_client):
    coordinator_client.get("/manage/accessibility")
    response = coordinator_client.post("/manage/accessibility", STATEMENT | {
        "compliance": "", "contact_email": "ei osoite", "assessed_on": "2999-01-01",
        "assessor": "Arvioija Oy"})
    assert response.status_code == 422
    page = _page(response)
    assert "Valitse, miten palvelu täyttää vaatimukset." in page
    assert "Sähköpostiosoite ei ole kelvollinen." in page
    assert 'value="Arvioija Oy"' in page and 'value="ei osoite"' in page
    assert db.session.scalar(select(AccessibilityStatement)) is None


def test_coordinators_are_warned_when_the_statement_is_missing_or_a_year_old(
        coordinator_client):
    warning = "Saavutettavuusselostetta ei ole vielä laadittu."
    assert warning in _page(coordinator_client.get("/manage/"))
    _save_statement(coordinator_client)
    for url in ("/manage/", "/manage/accessibility"):
        assert "yli vuosi sitten" not in _page(coordinator_client.get(url))
    statement = db.session.scalar(select(AccessibilityStatement))
    statement.reviewed_at = now_utc() - timedelta(days=370)
    db.session.commit()
    for url in ("/manage/", "/manage/accessibility"):
        assert "yli vuosi sitten" in _page(coordinator_client.get(url)), url
    # Saving it again is the review.
    _save_statement(coordinator_client)
    assert "yli vuosi sitten" not in _page(coordinator_client.get("/manage/"))


def test_feedback_with_markup_is_stored_and_shown_as_text(client, coordinator_client):
    client.get("/saavutettavuus/palaute")
    message = f"Painike ei toimi näppäimistöllä.\n{SCRIPT}\n{IMAGE}"
    response = client.post("/saavutettavuus/palaute", {
        "message": message, "page": f"/j {IMAGE}", "reply_to": "Lukija@Example.fi"})
    assert response.status_code == 302 and response.headers["Location"] == "/saavutettavuus"
    stored = db.session.scalar(select(AccessibilityFeedback))
    assert stored.message == message and stored.page == f"/j {IMAGE}"
    assert stored.reply_to == "lukija@example.fi" and stored.language == "fi"

    page = _page(coordinator_client.get("/manage/accessibility/feedback"))
    assert "<script>alert" not in page and "<img src=x" not in page
    assert escape(SCRIPT) in page and escape(IMAGE) in page
    assert "lukija@example.fi" in page


def test_an_empty_or_too_long_message_is_refused_in_the_users_language_keeping_the_text(
        client):
    client.get("/saavutettavuus/palaute")
    empty = client.post("/saavutettavuus/palaute", {"message": "  ", "page": "Etusivu",
                                                    "reply_to": "lukija@example.fi"})
    assert empty.status_code == 422
    page = _page(empty)
    assert "Kenttä on pakollinen." in page and 'aria-invalid="true"' in page
    assert 'value="Etusivu"' in page and 'value="lukija@example.fi"' in page

    long_text = "Liian pitkä palaute. " * (FEEDBACK_MAX_CHARS // 20 + 5)
    client.get("/saavutettavuus/palaute?lang=sv")
    refused = client.post("/saavutettavuus/palaute", {"message": long_text + SCRIPT})
    assert refused.status_code == 422
    page = _page(refused)
    assert "Texten är för lång" in page
    assert escape(long_text + SCRIPT) in page and SCRIPT not in page
    assert db.session.scalar(select(AccessibilityFeedback)) is None


def test_feedback_needs_the_forms_csrf_token(client):
    response = client.post("/saavutettavuus/palaute", {"message": "Hei"}, csrf=False)
    assert response.status_code == 400
    assert db.session.scalar(select(AccessibilityFeedback)) is None


def test_feedback_is_rate_limited_per_client_address(client):
    client.get("/saavutettavuus/palaute")
    for n in range(5):
        assert client.post("/saavutettavuus/palaute",
                           {"message": f"Palaute {n}"}).status_code == 302
    refused = client.post("/saavutettavuus/palaute", {"message": "Kuudes"})
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert "Palautetta on lähetetty liian monta kertaa" in _page(refused)
    assert len(db.session.scalars(select(AccessibilityFeedback)).all()) == 5


def _text(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def _html(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def test_feedback_is_mailed_to_the_statements_contact_as_text(
        client, coordinator_client, inbox):
    _save_statement(coordinator_client)
    client.get("/saavutettavuus/palaute?lang=en")
    message = f"The form cannot be used with a screen reader.\n{SCRIPT}"
    assert client.post("/saavutettavuus/palaute", {
        "message": message, "reply_to": "reader@example.org"}).status_code == 302
    [mail] = inbox.wait(1)
    assert mail["X-Envelope-To"] == "saavutettavuus@thl.example"
    subject = str(mail["Subject"]).strip()  # a long one is folded, leaving a leading space
    assert subject.startswith("Saavutettavuuspalaute: vastattava viimeistään")
    text = _text(mail).replace("\r\n", "\n")
    assert message in text and "reader@example.org" in text and "Lomakkeen kieli: en" in text
    assert "http://localhost/manage/accessibility/feedback" in text
    body = _html(mail)
    assert "<script" not in body and "&lt;script&gt;" in body
    sent = db.session.scalar(select(OutgoingMail))
    assert sent.kind is MailKind.ACCESSIBILITY and sent.workshop_id is None
    assert sent.sent_at is not None and sent.text_body == ""  # what someone wrote, not kept


def test_the_feedback_address_setting_comes_before_the_statements_contact(
        app, client, coordinator_client, inbox):
    _save_statement(coordinator_client)
    app.config["ACCESSIBILITY_FEEDBACK_TO"] = "palaute@thl.example"
    client.get("/saavutettavuus/palaute")
    assert client.post("/saavutettavuus/palaute", {"message": "Kontrasti"}).status_code == 302
    [mail] = inbox.wait(1)
    assert mail["X-Envelope-To"] == "palaute@thl.example"


def test_without_any_address_feedback_is_only_stored(client):
    client.get("/saavutettavuus/palaute")
    assert client.post("/saavutettavuus/palaute", {"message": "Kontrasti"}).status_code == 302
    assert db.session.scalar(select(AccessibilityFeedback)) is not None
    assert db.session.scalar(select(OutgoingMail)) is None


def test_the_list_shows_age_against_the_14_days_and_feedback_is_marked_answered(
        coordinator_client):
    old = ops.submit_feedback(db.session, {"message": "Vanha palaute"}, language="sv")
    old.created_at = now_utc() - timedelta(days=20)
    ops.submit_feedback(db.session, {"message": "Tuore palaute"}, language="fi")
    db.session.commit()

    page = _page(coordinator_client.get("/manage/accessibility/feedback"))
    rows = page.split("<tbody>")[1].split("</tbody>")[0].split("<tr")[1:]
    assert len(rows) == 2
    assert 'class="overdue"' in rows[0] and "Vanha palaute" in rows[0] and "Myöhässä" in rows[0]
    assert "<td>20 " in rows[0]
    assert "overdue" not in rows[1] and "Tuore palaute" in rows[1]
    start = _page(coordinator_client.get("/manage/"))
    assert "2 avointa saavutettavuuspalautetta" in start and "niistä 1 yli 14 päivää" in start

    response = coordinator_client.post(f"/manage/accessibility/feedback/{old.id}/answered")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(AccessibilityFeedback, old.id).answered_at is not None
    assert [item.feedback.message for item in ops.open_feedback(db.session)] == [
        "Tuore palaute"]
    entry = db.session.scalar(select(AuditEntry))
    assert entry.action == "accessibility_feedback.answer"
    again = coordinator_client.post(f"/manage/accessibility/feedback/{old.id}/answered")
    assert again.status_code == 409


def test_a_defect_is_refused_without_a_reason_or_finnish_text_and_can_be_removed(
        coordinator_client):
    coordinator_client.get("/manage/accessibility")
    refused = coordinator_client.post("/manage/accessibility/defects", {
        "reason": "", "description_fi": "", "description_sv": "Endast på svenska"})
    assert refused.status_code == 422
    page = _page(refused)
    assert "Valitse syy" in page and "Kenttä on pakollinen." in page
    assert "Endast på svenska" in page
    coordinator_client.post("/manage/accessibility/defects", {
        "reason": "burden", "description_fi": "Vanhat diat eivät ole saavutettavia."})
    [defect] = ops.list_defects(db.session)
    assert coordinator_client.post(
        f"/manage/accessibility/defects/{defect.id}/delete").status_code == 302
    assert ops.list_defects(db.session) == []
