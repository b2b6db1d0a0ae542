"""The JSON API under /api/v1: the whole story, bad input, who may do what, and the OpenAPI
document. Every response a test receives is checked against the document's schema for it."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from api_document import api_document
from flask import Flask
from flask.testing import FlaskClient
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from sqlalchemy import func, select

from facilitate.api.routes import ACCESS_ATTRIBUTE
from facilitate.extensions import db
from facilitate.models import (
    MailKind,
    OutgoingMail,
    Prompt,
    Registration,
    Series,
    Theme,
    Wish,
    Workshop,
)
from facilitate.timeutil import now_utc

DOCUMENT = api_document()

PREFIX = "/api/v1"
PLAN = "johdon-vertaisreflektio"
_MISSING = object()


# --- responses checked against the document, by jsonschema ---------------------------------

#: Where the document is registered, so that its "#/components/..." references resolve.
_DOCUMENT_URI = "urn:facilitate:openapi"
_REGISTRY = Registry().with_resource(
    _DOCUMENT_URI, Resource(contents=DOCUMENT, specification=DRAFT202012))


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    """A response object as the document defines it (behind its $ref, if any)."""
    while "$ref" in schema:
        schema = _REGISTRY.resolver(_DOCUMENT_URI).lookup(schema["$ref"]).contents
    return schema


def schema_errors(schema: dict[str, Any], value: Any) -> list[str]:
    """What in `value` breaks `schema` (a schema of the document), formats included."""
    absolute = json.loads(json.dumps(schema).replace('"#/', f'"{_DOCUMENT_URI}#/'))
    validator = Draft202012Validator(absolute, registry=_REGISTRY,
                                     format_checker=Draft202012Validator.FORMAT_CHECKER)
    return [f"{'/'.join(map(str, error.absolute_path)) or '$'}: {error.message}"
            for error in validator.iter_errors(value)]


def test_the_check_finds_a_response_that_breaks_the_document() -> None:
    series = {"$ref": "#/components/schemas/Series"}
    assert any("'id' is a required property" in e for e in schema_errors(series, {}))
    broken = {"id": "7", "slug": "s", "title": "T", "memo_title": None, "organiser": None,
              "description": None, "contacts": None, "funding_footer": None,
              "is_public": True, "created_at": "eilen", "extra": 1}
    errors = schema_errors(series, broken)
    assert any(e.startswith("id: '7' is not of type 'integer'") for e in errors), errors
    assert any("created_at" in e and "date-time" in e for e in errors), errors
    assert any("Additional properties" in e for e in errors), errors


def _template(path: str) -> tuple[str, dict[str, Any]]:
    """The document's path template and operation a concrete request path belongs to."""
    relative = path.split("?")[0]
    for template, item in DOCUMENT["paths"].items():
        if re.fullmatch(re.sub(r"{\w+}", "[^/]+", template), relative):
            return template, item
    raise AssertionError(f"{path} is not in the OpenAPI document")


# --- clients ------------------------------------------------------------------------------


class Api:
    """JSON requests to /api/v1 as one caller; each answer is checked against the document."""

    def __init__(self, client: FlaskClient, *, csrf: bool = False, token: str | None = None):
        self.client = client
        self.csrf = csrf
        self.token = token
        self._csrf_token: str | None = None

    def headers(self, method: str) -> dict[str, str]:
        headers = {}
        if self.token is not None:
            headers["Authorization"] = f"Bearer {self.token}"
        if self.csrf and method not in ("GET", "HEAD"):
            if self._csrf_token is None:
                self._csrf_token = self.client.get(f"{PREFIX}/csrf-token").json["csrf_token"]
            headers["X-CSRFToken"] = self._csrf_token
        return headers

    def call(
        self, method: str, path: str, body: Any = _MISSING, *, check: bool = True, **kwargs: Any
    ) -> Any:
        headers = self.headers(method) | kwargs.pop("headers", {})
        if body is not _MISSING:
            kwargs["json"] = body
        response = self.client.open(f"{PREFIX}{path}", method=method, headers=headers, **kwargs)
        if check:
            check_documented(method, f"{PREFIX}{path}", response)
        return response

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.call("GET", path, **kwargs)

    def post(self, path: str, body: Any = _MISSING, **kwargs: Any) -> Any:
        return self.call("POST", path, body, **kwargs)

    def patch(self, path: str, body: Any = _MISSING, **kwargs: Any) -> Any:
        return self.call("PATCH", path, body, **kwargs)

    def put(self, path: str, body: Any = _MISSING, **kwargs: Any) -> Any:
        return self.call("PUT", path, body, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Any:
        return self.call("DELETE", path, **kwargs)


def check_documented(method: str, path: str, response: Any) -> None:
    """The status is documented for the operation and the body has the documented shape."""
    template, item = _template(path)
    operation = item[method.lower()]
    documented = operation["responses"].get(str(response.status_code))
    assert documented is not None, (
        f"{method} {template} answered {response.status_code}, which is not documented: "
        f"{response.get_data(as_text=True)[:300]}"
    )
    documented = _resolve(documented) if "$ref" in documented else documented
    if response.status_code == 204:
        assert response.data == b""
        return
    assert response.mimetype == "application/json"
    schema = documented["content"]["application/json"]["schema"]
    errors = schema_errors(schema, response.json)
    assert not errors, f"{method} {template} {response.status_code}: {errors}"


@pytest.fixture
def coordinator(coordinator_client: Any) -> Api:
    """A logged-in coordinator that sends the CSRF header."""
    return Api(coordinator_client.client, csrf=True)


@pytest.fixture
def anonymous(app: Flask) -> Api:
    """No session, no token."""
    return Api(app.test_client())


def participant(app: Flask, token: str) -> Api:
    """A participant with their private link's token and no cookies."""
    return Api(app.test_client(), token=token)


def _count(model: type) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def _error(response: Any, status: int, code: str, field: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.json
    assert body["error"] == code, body
    assert isinstance(body["message"], str) and body["message"].strip(), body
    if field is not None:
        assert body.get("field") == field, body
    return body


def _registration_body(**fields: Any) -> dict[str, Any]:
    return {
        "name": "Maija Meikäläinen",
        "email": "maija@varha.fi",
        "organisation": "varsinaissuomi",
        "wishes": [
            "Työnkuvat ja tehtävänjako",
            "Asiakasmitoitus: montako nuorta työntekijää kohden?",
        ],
    } | fields


# --- the whole story ----------------------------------------------------------------------


def test_the_whole_story_through_the_api(app, coordinator, anonymous):
    # The coordinator creates a series and edits it.
    response = coordinator.post(
        "/series",
        {
            "title": "Lastensuojelun jälkihuollon johdon vertaisreflektiot",
            "memo_title": "valtakunnallinen lastensuojelun jälkihuollon johdon vertaisreflektio",
            "organiser": "YEE-hanke",
            "is_public": True,
        },
    )
    assert response.status_code == 201, response.json
    series = response.json
    assert series["slug"] == "lastensuojelun-jalkihuollon-johdon-vertaisreflektiot"
    response = coordinator.patch(f"/series/{series['id']}", {"organiser": "YEE-hanke / THL"})
    assert response.status_code == 200
    assert response.json["organiser"] == "YEE-hanke / THL"
    assert response.json["title"] == series["title"]
    assert [s["id"] for s in coordinator.get("/series").json["series"]] == [series["id"]]
    assert coordinator.get(f"/series/{series['id']}").json["organiser"] == "YEE-hanke / THL"

    # A workshop from the leadership plan: the plan's title, times, format and themes.
    response = coordinator.post(
        f"/series/{series['id']}/workshops", {"plan": PLAN, "day": "2030-03-29"}
    )
    assert response.status_code == 201, response.json
    workshop = response.json
    assert (
        workshop["day"],
        workshop["starts_at"],
        workshop["ends_at"],
        workshop["format"],
        workshop["plan"],
    ) == ("2030-03-29", "14:00", "16:00", "Teams-keskustelu", PLAN)
    assert workshop["registration"]["state"] == "not_open"
    w = f"/workshops/{workshop['id']}"
    plan_themes = coordinator.get(f"{w}/themes").json["themes"]
    assert len(plan_themes) >= 2 and all(t["prompts"] for t in plan_themes)
    assert [t["position"] for t in plan_themes] == list(range(len(plan_themes)))
    listed = coordinator.get(f"/series/{series['id']}/workshops").json["workshops"]
    assert [x["id"] for x in listed] == [workshop["id"]]

    # Registration opens; the deadline is Finnish time, returned with its offset.
    response = coordinator.post(f"{w}/registration/open", {"deadline": "2030-03-27T16:00"})
    assert response.status_code == 200, response.json
    window = response.json["registration"]
    assert window["state"] == "open"
    assert datetime.fromisoformat(window["deadline"]) == datetime.fromisoformat(
        "2030-03-27T16:00+02:00"
    )
    invitation = response.json["invitation_token"]
    assert response.json["invitation_url"].endswith(f"/invite/{invitation}")

    # A leader registers through the invitation with two wishes.
    organisations = anonymous.get("/organisations").json["organisations"]
    assert {
        "code": "varsinaissuomi",
        "kind": "county",
        "name": "Varsinais-Suomen hyvinvointialue",
        "name_sv": "Egentliga Finlands välfärdsområde",
        "brand": "Varha",
    } in organisations
    response = anonymous.post(
        f"/invitations/{invitation}/registrations", _registration_body(email="Maija@Varha.fi")
    )
    assert response.status_code == 201, response.json
    token = response.json["token"]
    assert response.json["page_url"].endswith(f"/me/{token}")
    assert response.headers["Cache-Control"] == "no-store"
    registration = response.json["registration"]
    assert registration["email"] == "maija@varha.fi"
    assert [x["text"] for x in registration["wishes"]] == [
        "Työnkuvat ja tehtävänjako",
        "Asiakasmitoitus: montako nuorta työntekijää kohden?",
    ]

    # The coordinator sees the wishes with their organisations, and the registration.
    wishes = coordinator.get(f"{w}/wishes").json["wishes"]
    assert [(x["theme_id"], x["organisation"]["code"]) for x in wishes] == [
        (None, "varsinaissuomi")
    ] * 2
    first, second = (x["id"] for x in wishes)
    registrations = coordinator.get(f"{w}/registrations")
    assert [r["email"] for r in registrations.json["registrations"]] == ["maija@varha.fi"]
    text = registrations.get_data(as_text=True)
    stored = db.session.scalar(select(Registration))
    assert "token_hash" not in text and token not in text
    assert not any(link.token_hash in text for link in stored.links)

    # Wishes become themes: one a new theme, one into an existing theme of the plan.
    response = coordinator.post(
        f"{w}/themes", {"title": "Työnkuvat", "memo_phrase": "työnkuvista", "wish_ids": [first]}
    )
    assert response.status_code == 201, response.json
    new_theme = response.json
    assert (new_theme["wish_ids"], new_theme["position"]) == ([first], len(plan_themes))
    existing = plan_themes[0]
    response = coordinator.post(f"{w}/themes/{existing['id']}/wishes", {"wish_ids": [second]})
    assert response.status_code == 200, response.json
    assert response.json["wish_ids"] == [second]
    assert {x["id"]: x["theme_id"] for x in coordinator.get(f"{w}/wishes").json["wishes"]} == {
        first: new_theme["id"],
        second: existing["id"],
    }

    # The new theme goes first on the agenda.
    order = [new_theme["id"]] + [t["id"] for t in plan_themes]
    response = coordinator.put(f"{w}/agenda", {"theme_ids": order})
    assert response.status_code == 200, response.json
    assert [t["id"] for t in response.json["themes"]] == order
    assert [t["position"] for t in coordinator.get(f"{w}/themes").json["themes"]] == list(
        range(len(order))
    )
    response = coordinator.patch(
        f"{w}/themes/{new_theme['id']}", {"description": "Ennakkotoiveista"}
    )
    assert (response.status_code, response.json["description"]) == (200, "Ennakkotoiveista")
    assert coordinator.get(f"{w}/themes/{new_theme['id']}").json["title"] == "Työnkuvat"

    # A prompt is added, edited and deleted.
    t = f"{w}/themes/{new_theme['id']}"
    response = coordinator.post(
        f"{t}/prompts",
        {"kind": "poll", "text": "Kuka tekee mitä?", "options": ["Sosiaalityöntekijä", "Ohjaaja"]},
    )
    assert response.status_code == 201, response.json
    prompt = response.json
    assert (prompt["kind"], prompt["options"], prompt["position"]) == (
        "poll",
        ["Sosiaalityöntekijä", "Ohjaaja"],
        0,
    )
    response = coordinator.patch(
        f"{t}/prompts/{prompt['id']}",
        {"kind": "statement", "text": "Työnjako on selvä.", "options": []},
    )
    assert response.status_code == 200, response.json
    assert (response.json["kind"], response.json["text"], response.json["options"]) == (
        "statement",
        "Työnjako on selvä.",
        [],
    )
    assert [p["id"] for p in coordinator.get(f"{t}/prompts").json["prompts"]] == [prompt["id"]]
    # tracked across the series by a key; a malformed key is refused with the form's words
    response = coordinator.patch(f"{t}/prompts/{prompt['id']}",
                                 {"question_key": "tyonjako-selva"})
    assert (response.status_code, response.json["question_key"]) == (200, "tyonjako-selva")
    refused = coordinator.patch(f"{t}/prompts/{prompt['id']}", {"question_key": "Työnjako"})
    assert (refused.status_code, refused.json["field"]) == (422, "question_key")
    assert "pieniä kirjaimia" in refused.json["message"]
    # reference figures from elsewhere: a statement's one share (those agreeing); the
    # operation's rules and the document's limits answer alike, in the form's words
    survey = {"source": "Kuntakysely 2021", "responses": 95, "percents": [60]}
    response = coordinator.patch(f"{t}/prompts/{prompt['id']}", {"reference": survey})
    assert (response.status_code, response.json["reference"]) == (
        200, survey | {"note": ""})
    refused = coordinator.patch(f"{t}/prompts/{prompt['id']}",
                                {"reference": survey | {"percents": [60, 40]}})
    assert (refused.status_code, refused.json["field"]) == (422, "reference.percents")
    assert "Väitteelle annetaan yksi luku" in refused.json["message"]
    refused = coordinator.patch(f"{t}/prompts/{prompt['id']}",
                                {"reference": survey | {"percents": [150]}})
    assert (refused.status_code, refused.json["field"]) == (422, "reference.percents")
    assert "kokonaisina prosentteina" in refused.json["message"]
    assert coordinator.get(f"{t}/prompts").json["prompts"][0]["reference"]["percents"] == [60]
    response = coordinator.patch(f"{t}/prompts/{prompt['id']}", {"reference": None})
    assert (response.status_code, response.json["reference"]) == (200, None)
    assert coordinator.delete(f"{t}/prompts/{prompt['id']}").status_code == 204
    assert coordinator.get(f"{t}/prompts").json["prompts"] == []

    # The participant reads and edits their own registration and wishes with the token.
    me = participant(app, token)
    response = me.get("/me")
    assert response.status_code == 200, response.json
    assert (response.json["name"], response.json["email"]) == (
        "Maija Meikäläinen",
        "maija@varha.fi",
    )
    assert "invitation_token" not in response.json["workshop"]
    assert response.json["workshop"]["registration"]["state"] == "open"
    response = me.patch(
        "/me",
        {
            "name": "Maija M.",
            "organisation": "other",
            "other_organisation": "Jälkihuoltoyhdistys ry",
        },
    )
    assert response.status_code == 200, response.json
    assert (response.json["name"], response.json["organisation"]["name"]) == (
        "Maija M.",
        "Jälkihuoltoyhdistys ry",
    )
    response = me.post("/me/wishes", {"text": "Kilpailutukset"})
    assert response.status_code == 201, response.json
    added = response.json
    response = me.patch(f"/me/wishes/{added['id']}", {"text": "Kilpailutukset ja hankinnat"})
    assert (response.status_code, response.json["text"]) == (200, "Kilpailutukset ja hankinnat")
    assert me.delete(f"/me/wishes/{added['id']}").status_code == 204
    # A wish already on the agenda stays; its text can still be reworded.
    _error(me.delete(f"/me/wishes/{first}"), 409, "conflict")
    assert me.patch(f"/me/wishes/{first}", {"text": "Työnkuvat!"}).status_code == 200
    assert [x["text"] for x in me.get("/me").json["wishes"]] == [
        "Työnkuvat!",
        "Asiakasmitoitus: montako nuorta työntekijää kohden?",
    ]

    # Ungrouping returns a wish to the list; deleting a theme returns its wishes too.
    response = coordinator.post(f"{w}/wishes/ungroup", {"wish_ids": [second]})
    assert response.status_code == 200, response.json
    assert {x["id"]: x["theme_id"] for x in response.json["wishes"]}[second] is None
    assert coordinator.delete(f"{w}/themes/{new_theme['id']}").status_code == 204
    assert all(x["theme_id"] is None for x in coordinator.get(f"{w}/wishes").json["wishes"])
    assert [t["id"] for t in coordinator.get(f"{w}/themes").json["themes"]] == order[1:]

    # Closing registration freezes the participant's data.
    response = coordinator.post(f"{w}/registration/close")
    assert (response.status_code, response.json["registration"]["state"]) == (200, "closed")
    _error(me.post("/me/wishes", {"text": "Myöhässä"}), 409, "conflict")
    _error(coordinator.post(f"{w}/registration/close"), 409, "conflict")
    assert _count(Wish) == 2


# --- bad input ----------------------------------------------------------------------------


@pytest.fixture
def open_workshop(make_workshop: Any) -> Workshop:
    """A workshop with registration open."""
    return make_workshop()


def _invite(workshop: Workshop) -> str:
    return f"/invitations/{workshop.invitation_token}/registrations"


def test_registration_refuses_empty_oversized_and_unknown_values(open_workshop, anonymous):
    url = _invite(open_workshop)
    cases = [
        ({"name": ""}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"email": "ei-osoite"}, "email"),
        ({"wishes": ["x" * 2001]}, "wishes.0"),
        ({"wishes": ["ok", "y" * 2001]}, "wishes.1"),
        ({"organisation": "atlantis"}, "organisation"),
        ({"organisation": ""}, "organisation"),
        ({"organisation": "other", "other_organisation": ""}, "other_organisation"),
        ({"organisation": "varsinais\u0000suomi"}, "organisation"),
    ]
    for fields, field in cases:
        body = _error(anonymous.post(url, _registration_body(**fields)), 422, "invalid", field)
        assert field in body["errors"]
    assert _count(Registration) == 0 and _count(Wish) == 0
    # Several problems are reported at once.
    body = _error(
        anonymous.post(url, {"name": "", "email": "", "organisation": ""}), 422, "invalid"
    )
    assert set(body["errors"]) == {"name", "email", "organisation"}


def test_registration_refuses_wrong_types(open_workshop, anonymous):
    url = _invite(open_workshop)
    for fields, field in [
        ({"wishes": "x"}, "wishes"),
        ({"wishes": 5}, "wishes"),
        ({"wishes": [1]}, "wishes"),
        ({"wishes": {"a": "b"}}, "wishes"),
        ({"name": 5}, "name"),
        ({"email": ["a@b.fi"]}, "email"),
        ({"organisation": None}, "organisation"),
        ({"organisation": {"code": "x"}}, "organisation"),
    ]:
        _error(anonymous.post(url, _registration_body(**fields)), 422, "invalid", field)
    assert _count(Registration) == 0


def test_refusals_are_worded_in_the_callers_language(open_workshop, anonymous):
    url = _invite(open_workshop)
    body = {"name": " ", "email": "maija@varha.fi", "organisation": "varsinaissuomi",
            "colour": "blue"}
    answers = {
        "fi": anonymous.post(url, body).json,
        "sv": anonymous.post(url, body, headers={"Accept-Language": "sv-FI,sv"}).json,
        "en": anonymous.post(f"{url}?lang=en", body).json,
    }
    assert answers["fi"]["errors"] == {
        "colour": "Tuntematon kenttä. Sallitut kentät: name, organisation, other_organisation, "
        "email, wishes.", "name": "Kenttä on pakollinen."}
    assert answers["sv"]["errors"]["name"] == "Fältet är obligatoriskt."
    assert answers["sv"]["errors"]["colour"].startswith("Okänt fält.")
    assert answers["en"]["errors"]["name"] == "This field is required."
    # The unknown key is named first: it is often a misspelling of the missing one.
    assert {a["field"] for a in answers.values()} == {"colour"}


def test_the_documented_limits_are_the_enforced_ones(open_workshop, anonymous):
    schema = DOCUMENT["components"]["schemas"]["RegistrationCreate"]
    limit = schema["properties"]["name"]["maxLength"]
    assert set(schema["required"]) == {"name", "email", "organisation"}
    url = _invite(open_workshop)
    # Counted after stripping, as every form counts it, and the document says so.
    assert anonymous.post(url, _registration_body(name=f"  {'n' * limit}  ")).status_code == 201
    _error(anonymous.post(url, _registration_body(email="toinen@varha.fi",
                                                  name="n" * (limit + 1))),
           422, "invalid", "name")


def test_registration_after_the_deadline_or_a_manual_close(make_workshop, anonymous, coordinator):
    past_deadline = make_workshop()
    past_deadline.registration_deadline = now_utc() - timedelta(minutes=1)
    db.session.commit()
    body = _error(anonymous.post(_invite(past_deadline), _registration_body()), 409, "conflict")
    assert "päättynyt" in body["message"]

    closed = make_workshop()
    assert coordinator.post(f"/workshops/{closed.id}/registration/close").status_code == 200
    _error(anonymous.post(_invite(closed), _registration_body()), 409, "conflict")
    not_open = make_workshop(open_registration_now=False)
    _error(anonymous.post(_invite(not_open), _registration_body()), 409, "conflict")
    assert _count(Registration) == 0


def test_unknown_or_malformed_invitation(anonymous):
    _error(
        anonymous.post("/invitations/ei-tallainen-kutsu/registrations", _registration_body()),
        404,
        "not_found",
    )
    # A NUL in the link must not reach the database (PostgreSQL refuses it with a 500).
    _error(
        anonymous.post("/invitations/abc%00def/registrations", _registration_body()),
        404,
        "not_found",
    )


def test_registering_an_address_again_changes_nothing_and_tells_nothing(
        app, open_workshop, anonymous):
    url = _invite(open_workshop)
    first = anonymous.post(url, _registration_body(wishes=["Työnkuvat"]))
    assert first.status_code == 201
    again = anonymous.post(url, _registration_body(
        email="MAIJA@varha.fi", name="Kaappaaja", wishes=["Työnkuvat", "Kilpailutukset"]))
    # Only that a message went to the address: no registration, no token.
    assert again.status_code == 202, again.json
    assert again.json == {"message": "Lähetimme osoitteeseen maija@varha.fi viestin, jossa on "
                                     "henkilökohtainen linkkisi. Sillä voit tarkistaa "
                                     "ilmoittautumisesi."}
    assert _count(Registration) == 1
    response = participant(app, first.json["token"]).get("/me")
    assert (response.json["name"], [x["text"] for x in response.json["wishes"]]) == (
        "Maija Meikäläinen", ["Työnkuvat"])
    mails = db.session.scalars(select(OutgoingMail).order_by(OutgoingMail.id)).all()
    assert [(m.kind, m.to_address) for m in mails] == [
        (MailKind.CONFIRMATION, "maija@varha.fi"), (MailKind.LINK, "maija@varha.fi")]


def test_tampered_expired_and_missing_tokens(app, open_workshop, register):
    registration, token = register(open_workshop)
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    _error(participant(app, tampered).get("/me"), 404, "not_found")
    _error(participant(app, tampered).patch("/me", {"name": "Hakkeri"}), 404, "not_found")
    _error(participant(app, "lyhyt").get("/me"), 404, "not_found")

    nobody = Api(app.test_client())
    response = nobody.get("/me")
    _error(response, 401, "unauthorized")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    _error(nobody.get("/me", headers={"Authorization": f"Basic {token}"}), 401, "unauthorized")
    _error(nobody.post("/me/wishes", {"text": "x"}), 401, "unauthorized")

    open_workshop.day = date(2000, 1, 1)
    db.session.commit()
    _error(participant(app, token).get("/me"), 410, "gone")
    _error(participant(app, token).post("/me/wishes", {"text": "Myöhässä"}), 410, "gone")
    db.session.expire_all()
    assert [x.text for x in db.session.get(Registration, registration.id).wishes] == ["Työnkuvat"]


def test_participant_wishes_refuse_bad_text(app, open_workshop, register):
    registration, token = register(open_workshop)
    me = participant(app, token)
    wish_id = registration.wishes[0].id
    for body, field in [
        ({"text": ""}, "text"),
        ({"text": "   "}, "text"),
        ({"text": "x" * 2001}, "text"),
        ({"text": 5}, "text"),
        ({"text": None}, "text"),
        ({"txt": "typo"}, "txt"),
    ]:
        _error(me.post("/me/wishes", body), 422, "invalid", field)
        _error(me.patch(f"/me/wishes/{wish_id}", body), 422, "invalid", field)
    _error(me.patch("/me", {"name": ""}), 422, "invalid", "name")
    _error(me.patch("/me", {"organisation": "atlantis"}), 422, "invalid", "organisation")
    _error(me.patch("/me", {"email": "uusi@example.fi"}), 422, "invalid", "email")
    db.session.expire_all()
    stored = db.session.get(Registration, registration.id)
    assert [x.text for x in stored.wishes] == ["Työnkuvat"]
    assert (stored.name, stored.organisation.code) == ("Maija Meikäläinen", "varsinaissuomi")


def test_bodies_must_be_json_objects(coordinator, anonymous, open_workshop):
    before = _count(Series)
    response = coordinator.post(
        "/series",
        data="title=Lomake",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    _error(response, 415, "unsupported_media_type")
    _error(
        coordinator.post("/series", data="{title:", content_type="application/json"),
        400,
        "bad_request",
    )
    _error(coordinator.post("/series", ["title"]), 400, "bad_request")
    _error(coordinator.post("/series", "Sarja"), 400, "bad_request")
    _error(
        coordinator.post(
            "/series", data="[" * 100_000 + "]" * 100_000, content_type="application/json"
        ),
        400,
        "bad_request",
    )
    _error(
        anonymous.post(_invite(open_workshop), data="name=x", content_type="text/plain"),
        415,
        "unsupported_media_type",
    )
    _error(
        coordinator.post("/series", {"title": "x" * 1024 * 1024}), 413, "request_entity_too_large"
    )
    assert _count(Series) == before


def test_unknown_fields_and_wrong_types_are_refused(coordinator, open_workshop):
    before = _count(Series)
    body = _error(
        coordinator.post("/series", {"title": "Sarja", "colour": "red"}), 422, "invalid", "colour"
    )
    assert "title" in body["message"]  # the message lists the fields that are allowed
    for fields, field in [
        ({"title": 5}, "title"),
        ({"title": None}, "title"),
        ({"is_public": "yes"}, "is_public"),
        ({"is_public": 1}, "is_public"),
        ({"title": ""}, "title"),
        ({"title": "x" * 301}, "title"),
        ({"title": "x", "description": ["a"]}, "description"),
    ]:
        _error(coordinator.post("/series", {"title": "Sarja"} | fields), 422, "invalid", field)
    assert _count(Series) == before

    series_id = open_workshop.series_id
    w = f"/workshops/{open_workshop.id}"
    for fields, field in [
        ({"day": "29.3.2030"}, "day"),
        ({"day": 20300329}, "day"),
        ({"starts_at": "25:00"}, "starts_at"),
        ({"starts_at": 14}, "starts_at"),
        ({"starts_at": "16:00", "ends_at": "14:00"}, "ends_at"),
        ({"registration_deadline": "huomenna"}, "registration_deadline"),
        ({"invitation_token": "oma"}, "invitation_token"),
    ]:
        _error(coordinator.patch(w, fields), 422, "invalid", field)
    for fields, field in [
        ({"plan": "ei-ole"}, "plan"),
        ({"plan": "../etc/passwd"}, "plan"),
        ({"plan": 5}, "plan"),
    ]:
        _error(
            coordinator.post(f"/series/{series_id}/workshops", {"day": "2030-01-01"} | fields),
            422,
            "invalid",
            field,
        )
    for deadline in ("eilen", 5, (now_utc() - timedelta(days=1)).isoformat()):
        _error(
            coordinator.post(f"{w}/registration/open", {"deadline": deadline}),
            422,
            "invalid",
            "deadline",
        )
    _error(coordinator.post(f"{w}/registration/close", {"now": "x"}), 422, "invalid", "now")
    db.session.expire_all()
    stored = db.session.get(Workshop, open_workshop.id)
    assert (stored.day, stored.starts_at.hour, stored.registration_closed_at) == (
        open_workshop.day,
        14,
        None,
    )
    assert _count(Workshop) == 1


@pytest.fixture
def agenda(make_workshop: Any, register: Any) -> dict[str, Any]:
    """Two workshops, each with two themes and a registration with two wishes."""
    found: dict[str, Any] = {}
    from facilitate.agenda.operations import create_theme

    for name in ("mine", "other"):
        workshop = make_workshop()
        registration, _token = register(workshop, wishes=[f"{name} 1", f"{name} 2"])
        themes = [
            create_theme(db.session, workshop, {"title": f"{name} A"}),
            create_theme(db.session, workshop, {"title": f"{name} B"}),
        ]
        db.session.commit()
        found[name] = {
            "workshop": workshop,
            "themes": [t.id for t in themes],
            "wishes": [x.id for x in registration.wishes],
        }
    return found


def _agenda_state(workshop_id: int) -> list[tuple[Any, ...]]:
    db.session.expire_all()
    themes = db.session.scalars(
        select(Theme).where(Theme.workshop_id == workshop_id).order_by(Theme.id)
    )
    wishes = db.session.scalars(select(Wish).order_by(Wish.id))
    prompts = db.session.scalars(select(Prompt).order_by(Prompt.id))
    return (
        [(t.id, t.title, t.position) for t in themes]
        + [(x.id, x.theme_id, x.text) for x in wishes]
        + [(p.id, p.theme_id, p.text) for p in prompts]
    )


def test_agenda_refuses_bad_ids(coordinator, agenda):
    mine, other = agenda["mine"], agenda["other"]
    w = f"/workshops/{mine['workshop'].id}"
    a, b = mine["themes"]
    foreign_theme, foreign_wish = other["themes"][0], other["wishes"][0]
    before = _agenda_state(mine["workshop"].id)

    # Reorder: every theme exactly once, ids only.
    for ids in ([a], [a, a], [a, b, foreign_theme], [a, foreign_theme], []):
        _error(coordinator.put(f"{w}/agenda", {"theme_ids": ids}), 422, "invalid", "theme_ids")
    for ids in (["a", "b"], [[a], [b]], [True, False], [a, 2**40], "x", None):
        _error(coordinator.put(f"{w}/agenda", {"theme_ids": ids}), 422, "invalid", "theme_ids")
    _error(coordinator.put(f"{w}/agenda", {}), 422, "invalid", "theme_ids")

    # Grouping: wish ids must be whole numbers naming this workshop's wishes.
    for ids in (["a"], [1.5], [None], "1", 5, [2**40], [0]):
        _error(
            coordinator.post(f"{w}/themes/{a}/wishes", {"wish_ids": ids}),
            422,
            "invalid",
            "wish_ids",
        )
        _error(
            coordinator.post(f"{w}/wishes/ungroup", {"wish_ids": ids}), 422, "invalid", "wish_ids"
        )
        _error(
            coordinator.post(f"{w}/themes", {"title": "Uusi", "wish_ids": ids}),
            422,
            "invalid",
            "wish_ids",
        )
    _error(coordinator.post(f"{w}/themes/{a}/wishes", {"wish_ids": []}), 422, "invalid", "wish_ids")
    _error(
        coordinator.post(f"{w}/themes/{a}/wishes", {"wish_ids": [foreign_wish]}), 404, "not_found"
    )
    _error(
        coordinator.post(f"{w}/themes", {"title": "Uusi", "wish_ids": [foreign_wish]}),
        404,
        "not_found",
    )
    _error(
        coordinator.post(f"{w}/themes", {"title": "", "wish_ids": [mine["wishes"][0]]}),
        422,
        "invalid",
        "title",
    )

    # A theme of another workshop is not found through this one.
    t = f"{w}/themes/{foreign_theme}"
    _error(coordinator.get(t), 404, "not_found")
    _error(coordinator.patch(t, {"title": "Kaapattu"}), 404, "not_found")
    _error(coordinator.delete(t), 404, "not_found")
    _error(coordinator.post(f"{t}/wishes", {"wish_ids": [mine["wishes"][0]]}), 404, "not_found")
    _error(coordinator.get(f"{t}/prompts"), 404, "not_found")
    _error(coordinator.post(f"{t}/prompts", {"kind": "open", "text": "?"}), 404, "not_found")
    # Ids beyond the database's integer range are simply not found.
    _error(coordinator.get(f"{w}/themes/{2**40}"), 404, "not_found")
    _error(coordinator.get(f"/workshops/{10**30}"), 404, "not_found")

    # Prompts: kinds, texts and options are checked.
    p = f"{w}/themes/{a}/prompts"
    for body, field in [
        ({"kind": "quiz", "text": "?"}, "kind"),
        ({"kind": ["open"], "text": "?"}, "kind"),
        ({"kind": "open", "text": ""}, "text"),
        ({"kind": "open", "text": "x" * 20001}, "text"),
        ({"kind": "poll", "text": "?", "options": ["vain yksi"]}, "options"),
        ({"kind": "poll", "text": "?", "options": "a\nb"}, "options"),
        ({"kind": "poll", "text": "?", "options": [1, 2]}, "options"),
        ({"kind": "open", "text": "?", "options": ["a", "b"]}, "options"),
        ({"kind": "open", "text": "?", "position": 3}, "position"),
    ]:
        _error(coordinator.post(p, body), 422, "invalid", field)
    _error(coordinator.patch(f"{w}/themes/{a}", {"title": ""}), 422, "invalid", "title")
    _error(coordinator.patch(f"{w}/themes/{a}", {"wish_ids": [1]}), 422, "invalid", "wish_ids")
    assert _agenda_state(mine["workshop"].id) == before


def test_prompt_of_another_theme_is_not_found(coordinator, agenda):
    mine = agenda["mine"]
    w = f"/workshops/{mine['workshop'].id}"
    a, b = mine["themes"]
    prompt = coordinator.post(f"{w}/themes/{a}/prompts", {"kind": "open", "text": "?"}).json
    _error(
        coordinator.patch(f"{w}/themes/{b}/prompts/{prompt['id']}", {"text": "!"}), 404, "not_found"
    )
    _error(coordinator.delete(f"{w}/themes/{b}/prompts/{prompt['id']}"), 404, "not_found")
    _error(
        coordinator.patch(f"{w}/themes/{a}/prompts/{prompt['id']}", {"kind": "x"}),
        422,
        "invalid",
        "kind",
    )
    db.session.expire_all()
    assert (
        db.session.get(Prompt, prompt["id"]).text,
        db.session.get(Prompt, prompt["id"]).kind.value,
    ) == ("?", "open")


# --- results by organisation ---------------------------------------------------------------


def test_a_breakdown_answers_only_what_the_anonymity_rule_publishes(
        app, coordinator, agenda, register):
    from facilitate.models import Answer

    mine = agenda["mine"]
    workshop = mine["workshop"]
    w = f"/workshops/{workshop.id}"
    prompts = f"{w}/themes/{mine['themes'][0]}/prompts"
    statement = coordinator.post(prompts, {"kind": "statement", "text": "VÄITE: Riittää"}).json
    poll = coordinator.post(prompts, {"kind": "poll", "text": "Kuka?",
                                      "options": ["Kunta", "Valtio"]}).json
    question = coordinator.post(prompts, {"kind": "open", "text": "Miksi?"}).json
    for county, values in (("varsinaissuomi", [5, 5, 5, 4, 4, 4]), ("pirkanmaa", [1, 2, 3, 4, 5]),
                           ("satakunta", [1, 1, 2]), ("lappi", [3, 3])):
        for value in values:
            registration, _token = register(workshop, organisation=county, wishes=[])
            db.session.add(Answer(prompt_id=statement["id"], registration_id=registration.id,
                                  value=value))
    db.session.commit()

    response = coordinator.get(f"{w}/prompts/{statement['id']}/breakdown")
    assert response.status_code == 200
    assert response.json == {
        "prompt_id": statement["id"], "kind": "statement", "threshold": 5, "suppressed": False,
        "rows": [
            {"label": "Pirkanmaan hyvinvointialue", "merged": False, "counts": [1, 1, 1, 1, 1],
             "respondents": 5},
            {"label": "Varha", "merged": False, "counts": [0, 0, 0, 3, 3], "respondents": 6},
            {"label": "Muut", "merged": True, "counts": [2, 1, 2, 0, 0], "respondents": 5}],
        "total": [3, 2, 3, 4, 4]}
    # The small organisations are nowhere named, not even as the merged row's members.
    text = response.get_data(as_text=True)
    assert "Satakun" not in text and "Lapha" not in text
    swedish = coordinator.get(f"{w}/prompts/{statement['id']}/breakdown",
                              headers={"Accept-Language": "sv"})
    assert [row["label"] for row in swedish.json["rows"]][-1] == "Övriga"

    app.config["ANONYMITY_THRESHOLD"] = 17
    response = coordinator.get(f"{w}/prompts/{statement['id']}/breakdown")
    assert response.json | {"prompt_id": 0} == {
        "prompt_id": 0, "kind": "statement", "threshold": 17, "suppressed": True, "rows": [],
        "total": None}
    nobody = coordinator.get(f"{w}/prompts/{poll['id']}/breakdown").json
    assert (nobody["suppressed"], nobody["rows"], nobody["total"]) == (True, [], None)

    # Only statements and polls, and only those of this workshop.
    _error(coordinator.get(f"{w}/prompts/{question['id']}/breakdown"), 404, "not_found")
    other = f"/workshops/{agenda['other']['workshop'].id}"
    _error(coordinator.get(f"{other}/prompts/{statement['id']}/breakdown"), 404, "not_found")
    _error(coordinator.get(f"{w}/prompts/{2**40}/breakdown"), 404, "not_found")
    _error(coordinator.get(f"{w}/prompts/999999/breakdown"), 404, "not_found")


def test_actions_are_recorded_reviewed_and_listed_for_the_series(
        coordinator, make_series, make_workshop):
    from facilitate.actions.operations import today_in_finland

    series = make_series()
    first = make_workshop(series, day=date.today() + timedelta(days=10))
    second = make_workshop(series, day=date.today() + timedelta(days=40))
    due = (today_in_finland() + timedelta(days=20)).isoformat()
    created = coordinator.post(f"/workshops/{first.id}/actions",
                               {"text": "Kootaan työnkuvat", "owner": "Pirkanmaa", "due": due})
    assert created.status_code == 201, created.json
    action = created.json
    assert (action["workshop_id"], action["agreed_on"], action["due"], action["status"],
            action["reviews"]) == (first.id, first.day.isoformat(), due, "open", [])
    yesterday = (today_in_finland() - timedelta(days=1)).isoformat()
    refused = _error(coordinator.post(f"/workshops/{first.id}/actions",
                                      {"text": "X", "owner": "", "due": yesterday}),
                     422, "invalid")
    assert set(refused["errors"]) == {"owner", "due"}
    assert "THL:n henkilö" in refused["errors"]["owner"]
    _error(coordinator.post(f"/workshops/{first.id}/actions",
                            {"text": "X", "owner": "Y", "due": due, "deadline": due}),
           422, "invalid")

    review = f"/workshops/{second.id}/actions/{action['id']}/review"
    reviewed = coordinator.put(review, {"status": "done"})
    assert reviewed.status_code == 200, reviewed.json
    assert reviewed.json["status"] == "done"
    assert reviewed.json["reviews"] == [
        {"workshop_id": second.id, "day": second.day.isoformat(), "status": "done"}]
    _error(coordinator.put(review, {"status": "open"}), 422, "invalid", "status")
    # the workshop that agreed it does not review it, and a reviewed one stays
    _error(coordinator.put(f"/workshops/{first.id}/actions/{action['id']}/review",
                           {"status": "done"}), 404, "not_found")
    _error(coordinator.delete(f"/workshops/{first.id}/actions/{action['id']}"), 409,
           "conflict")
    listed = coordinator.get(f"/series/{series.id}/actions").json["actions"]
    assert [(a["id"], a["status"]) for a in listed] == [(action["id"], "done")]
    assert coordinator.put(review, {"status": None}).json["status"] == "open"
    assert coordinator.delete(f"/workshops/{first.id}/actions/{action['id']}").status_code \
        == 204
    assert coordinator.get(f"/series/{series.id}/actions").json == {"actions": []}


def test_the_series_summary_as_json(app, coordinator):
    app.config["PUBLIC_BASE_URL"] = "http://127.0.0.1:5000"
    assert app.test_cli_runner().invoke(args=["demo"]).exit_code == 0
    series = db.session.scalar(select(Series))
    summary = coordinator.get(f"/series/{series.id}/summary")
    assert summary.status_code == 200, summary.json
    body = summary.json
    assert body["heading"].startswith("Yhteenveto: valtakunnallinen")
    assert [w["day"] for w in body["workshops"]] == [
        "2022-09-13", "2022-11-09", "2023-01-27", "2023-03-29"]
    assert [w["reviews"] for w in body["workshops"]][3][1].endswith(": kesken")
    assert body["tracked"][0]["lines"] == [
        "13.9.2022: samaa mieltä 40 % (viisi osallistujaa)",
        "29.3.2023: samaa mieltä 63 % (kahdeksan osallistujaa)"]
    assert body["files"]["pdf"].endswith(f"/series/{series.slug}/summary.pdf")
    assert body["markdown"].startswith("# Yhteenveto:")


def test_tracked_questions_are_listed_with_each_workshops_results(
        coordinator, make_series, make_workshop, register):
    from facilitate.agenda.operations import add_prompt, create_theme
    from facilitate.models import Answer

    series = make_series()
    for offset, values in ((10, (5, 4, 1)), (40, (5, 5))):
        workshop = make_workshop(series, day=date.today() + timedelta(days=offset))
        theme = create_theme(db.session, workshop, {"title": "Resurssit"})
        prompt = add_prompt(db.session, theme, {"kind": "statement", "text": "Oma työntekijä",
                                                "question_key": "oma-tyontekija"})
        db.session.commit()
        for value in values:
            registration, _token = register(workshop, wishes=[])
            db.session.add(Answer(prompt_id=prompt.id, registration_id=registration.id,
                                  value=value))
        db.session.commit()
    (question,) = coordinator.get(f"/series/{series.id}/tracked-questions").json["questions"]
    assert (question["key"], question["kind"]) == ("oma-tyontekija", "statement")
    assert [(r["counts"], r["total"]) for r in question["results"]] == [
        ([1, 0, 0, 1, 1], 3), ([0, 0, 0, 0, 2], 2)]


# --- who may do what ----------------------------------------------------------------------

#: The endpoints that are not for coordinators: everything else under /api/v1 is.
NOT_COORDINATOR = {
    "/api/v1/openapi.json": "public",
    "/api/v1/csrf-token": "public",
    "/api/v1/organisations": "public",
    "/api/v1/invitations/{invitation_token}/registrations": "public",
    "/api/v1/me": "participant",
    "/api/v1/me/wishes": "participant",
    "/api/v1/me/export": "participant",
    "/api/v1/me/wishes/{wish_id}": "participant",
}


def _documented(rule: str) -> str:
    """A Flask rule as the document's path template."""
    return re.sub(r"<(?:[^>]*:)?(\w+)>", r"{\1}", rule)


def _api_rules(app: Flask) -> list[tuple[str, str, str]]:
    """(rule, method, endpoint) for every /api/v1 route, HEAD and OPTIONS left out."""
    return sorted(
        (_documented(rule.rule), method, rule.endpoint)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith(PREFIX + "/")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    )


def _concrete(rule: str) -> str:
    return re.sub(
        r"{(\w+)}", lambda m: "x" * 32 if m.group(1) == "invitation_token" else "1", rule
    ).removeprefix(PREFIX)


def test_every_endpoint_declares_who_may_call_it(app):
    for rule, method, endpoint in _api_rules(app):
        access = getattr(app.view_functions[endpoint], ACCESS_ATTRIBUTE, None)
        assert access == NOT_COORDINATOR.get(rule, "coordinator"), (rule, method, access)
        security = DOCUMENT["paths"][rule][method.lower()]["security"]
        schemes = {name for requirement in security for name in requirement}
        expected = {
            "coordinator": {"coordinatorSession"},
            "participant": {"participantToken"},
            "public": set(),
        }[access]
        if access == "coordinator" and method != "GET":
            expected = expected | {"csrfToken"}
        assert schemes == expected, (rule, method)


def test_anonymous_and_participants_get_401_from_every_coordinator_endpoint(
    app, open_workshop, register
):
    _registration, token = register(open_workshop)
    coordinator_rules = [
        (rule, method) for rule, method, _ in _api_rules(app) if rule not in NOT_COORDINATOR
    ]
    assert len(coordinator_rules) >= 24
    counts = (_count(Series), _count(Workshop), _count(Theme), _count(Wish))
    for caller in (Api(app.test_client()), participant(app, token)):
        for rule, method in coordinator_rules:
            body = {} if method in ("POST", "PUT", "PATCH") else _MISSING
            response = caller.call(method, _concrete(rule), body)
            _error(response, 401, "unauthorized")
    assert (_count(Series), _count(Workshop), _count(Theme), _count(Wish)) == counts


def test_a_participant_reaches_only_their_own_registration(app, open_workshop, register):
    mine, my_token = register(open_workshop, name="Minä", wishes=["Oma"])
    theirs, their_token = register(open_workshop, name="Toinen", wishes=["Toisen"])
    their_wish = theirs.wishes[0].id
    me = participant(app, my_token)
    response = me.get("/me")
    assert (response.json["id"], [x["text"] for x in response.json["wishes"]]) == (mine.id, ["Oma"])
    assert "Toinen" not in response.get_data(as_text=True)
    _error(me.patch(f"/me/wishes/{their_wish}", {"text": "Kaapattu"}), 404, "not_found")
    _error(me.delete(f"/me/wishes/{their_wish}"), 404, "not_found")
    db.session.expire_all()
    assert [x.text for x in db.session.get(Registration, theirs.id).wishes] == ["Toisen"]
    assert participant(app, their_token).get("/me").json["name"] == "Toinen"


def test_coordinator_writes_need_the_csrf_header(coordinator_client, open_workshop):
    without = Api(coordinator_client.client)
    before = _count(Series)
    body = _error(without.post("/series", {"title": "Ilman tarkistetta"}), 400, "csrf")
    assert body["message"]
    _error(
        without.post("/series", {"title": "Väärä"}, headers={"X-CSRFToken": "väärä"}), 400, "csrf"
    )
    _error(without.delete(f"/workshops/{open_workshop.id}/themes/1"), 400, "csrf")
    _error(without.post(f"/workshops/{open_workshop.id}/registration/close"), 400, "csrf")
    assert _count(Series) == before
    db.session.expire_all()
    assert db.session.get(Workshop, open_workshop.id).registration_closed_at is None
    # Reading needs no token, and with one the write goes through.
    assert without.get("/series").status_code == 200
    with_token = Api(coordinator_client.client, csrf=True)
    assert with_token.post("/series", {"title": "Tarkisteella"}).status_code == 201


def test_participant_and_public_writes_need_no_csrf(
    app, coordinator_client, open_workshop, register
):
    # A bearer token or an invitation cannot be ridden by another site, so no CSRF token.
    _registration, token = register(open_workshop)
    assert participant(app, token).post("/me/wishes", {"text": "Lisää"}).status_code == 201
    response = Api(coordinator_client.client).post(_invite(open_workshop), _registration_body())
    assert response.status_code == 201


# --- the OpenAPI document -----------------------------------------------------------------


def test_openapi_document_is_served_and_well_formed(anonymous):
    response = anonymous.get("/openapi.json")
    assert response.status_code == 200
    document = response.json
    assert document == json.loads(json.dumps(DOCUMENT))
    assert re.fullmatch(r"3\.1\.\d+", document["openapi"])
    assert document["info"]["title"] and document["info"]["version"]
    assert document["paths"]
    schemes = document["components"]["securitySchemes"]
    assert schemes["coordinatorSession"]["in"] == "cookie"
    assert schemes["csrfToken"] == schemes["csrfToken"] | {"in": "header", "name": "X-CSRFToken"}
    assert schemes["participantToken"]["scheme"] == "bearer"
    operation_ids = []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            operation_ids.append(operation["operationId"])
            assert operation["summary"] and operation["responses"], (path, method)
            assert operation["description"].startswith("Who may call:")
            names = {p["name"] for p in operation.get("parameters", [])}
            assert names == set(re.findall(r"{(\w+)}", path)), (path, method)
    assert len(operation_ids) == len(set(operation_ids))

    def refs(node: Any) -> list[str]:
        if isinstance(node, dict):
            return [node["$ref"]] if "$ref" in node else [r for v in node.values() for r in refs(v)]
        if isinstance(node, list):
            return [r for v in node for r in refs(v)]
        return []

    for ref in refs(document):
        assert _resolve({"$ref": ref}), ref


def test_openapi_document_and_url_map_name_the_same_endpoints(app):
    routes = {(rule, method.lower()) for rule, method, _ in _api_rules(app)}
    documented = {(path, method) for path, item in DOCUMENT["paths"].items() for method in item}
    assert routes == documented


def test_half_a_surrogate_pair_is_refused_in_every_text_field(
    app, coordinator, anonymous, agenda, register
):
    # JSON may spell "\ud800", but it is no character and UTF-8 cannot store it.
    lone = "Teksti \ud800"
    workshop = agenda["mine"]["workshop"]
    theme_id = agenda["mine"]["themes"][0]
    counts = [_count(model) for model in (Registration, Wish, Series, Theme, Prompt)]
    url = _invite(workshop)
    for fields, field in [
        ({"name": lone}, "name"),
        ({"email": lone}, "email"),
        ({"organisation": lone}, "organisation"),
        ({"wishes": ["Hyvä toive", lone]}, "wishes.1"),
        ({"organisation": "other", "other_organisation": lone}, "other_organisation"),
    ]:
        _error(anonymous.post(url, _registration_body(**fields)), 422, "invalid", field)
    registration, token = register(workshop)
    me = participant(app, token)
    _error(me.patch("/me", {"name": lone}), 422, "invalid", "name")
    _error(me.post("/me/wishes", {"text": lone}), 422, "invalid", "text")
    _error(me.patch(f"/me/wishes/{registration.wishes[0].id}", {"text": lone}), 422, "invalid",
           "text")
    _error(coordinator.post("/series", {"title": lone}), 422, "invalid", "title")
    themes = f"/workshops/{workshop.id}/themes"
    _error(coordinator.post(themes, {"title": lone}), 422, "invalid", "title")
    _error(coordinator.patch(f"{themes}/{theme_id}", {"description": lone}), 422, "invalid",
           "description")
    _error(coordinator.post(f"{themes}/{theme_id}/prompts", {"kind": "open", "text": lone}),
           422, "invalid", "text")
    wishes = len(registration.wishes)
    after = [_count(model) for model in (Registration, Wish, Series, Theme, Prompt)]
    assert after == [counts[0] + 1, counts[1] + wishes, *counts[2:]]


def test_a_wrong_method_on_the_api_says_which_are_allowed(client):
    refused = client.delete("/api/v1/organisations")
    assert refused.status_code == 405
    assert set(refused.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
    assert refused.json == {"error": "method_not_allowed",
                            "message": "Tätä toimintoa ei voi tehdä tällä osoitteella."}


def test_a_field_left_out_gets_its_own_message(coordinator, anonymous, agenda, open_workshop):
    workshop = agenda["mine"]["workshop"]
    theme_id = agenda["mine"]["themes"][0]
    w = f"/workshops/{workshop.id}"
    cases = [
        (anonymous.post(_invite(open_workshop), {"name": "Maija", "email": "m@varha.fi"}),
         "organisation", "Valitse organisaatio."),
        (coordinator.post(f"{w}/themes/{theme_id}/prompts", {"text": "Miksi?"}),
         "kind", "Tuntematon kysymystyyppi. Valitse avoin kysymys, väite, äänestys tai kysymys "
         "tasoittain."),
        (coordinator.post(f"{w}/wishes/ungroup", {}), "wish_ids", "Valitse vähintään yksi toive."),
        (coordinator.put(f"{w}/agenda", {}), "theme_ids",
         "Järjestyksessä pitää olla tilaisuuden jokainen teema kerran."),
        (coordinator.post("/series", {}), "title", "Kenttä on pakollinen."),
    ]
    for response, field, message in cases:
        assert _error(response, 422, "invalid", field)["message"] == message


def test_who_may_call_is_settled_before_the_body_is_read(app, anonymous, open_workshop):
    for body in ("{ei jsonia", "[1]"):
        response = anonymous.call("POST", "/series", check=True, data=body,
                                  content_type="application/json")
        _error(response, 401, "unauthorized")
        stranger = participant(app, "x" * 43)
        response = stranger.call("POST", "/me/wishes", data=body, content_type="application/json")
        _error(response, 404, "not_found")
    _error(anonymous.call("POST", "/series", data="title=x",
                          content_type="application/x-www-form-urlencoded"), 401, "unauthorized")
