"""The API's OpenAPI 3.1 document, built once at import from the same body specs the API
checks requests with."""

from __future__ import annotations

import json
import re
from typing import Any

from ..models import ANSWER_LEVELS, OrganisationKind, PromptKind
from ..series.operations import RegistrationState
from . import schemas
from .schemas import MAX_ID, Body, Field

JSON = "application/json"
UNSAFE = frozenset({"post", "put", "patch", "delete"})

_SECURITY = {
    "coordinator": [{"coordinatorSession": []}],
    "coordinator-unsafe": [{"coordinatorSession": [], "csrfToken": []}],
    "participant": [{"participantToken": []}],
    "public": [],
}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return schema | {"type": [schema["type"], "null"]}


def _obj(
    properties: dict[str, Any], *, optional: tuple[str, ...] = (), description: str = ""
) -> dict[str, Any]:
    """A closed object; every property is required unless named in `optional`."""
    schema: dict[str, Any] = {
        "type": "object",
        "additionalProperties": False,
        "required": [name for name in properties if name not in optional],
        "properties": properties,
    }
    if description:
        schema["description"] = description
    return schema


def _list(key: str, item: str) -> dict[str, Any]:
    return _obj({key: {"type": "array", "items": _ref(item)}})


STRING = {"type": "string"}
INTEGER = {"type": "integer"}
ID = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
BOOLEAN = {"type": "boolean"}
DATE = {"type": "string", "format": "date"}
DATETIME = {"type": "string", "format": "date-time", "description": "ISO 8601 with offset (UTC)"}
CLOCK = {"type": "string", "pattern": r"^\d{2}:\d{2}$", "description": "HH:MM, Finnish time"}


def _field_schema(field: Field) -> dict[str, Any]:
    if field.type == "string":
        schema: dict[str, Any] = {"type": "string"}
        if field.max_length:
            schema["maxLength"] = field.max_length
        if field.format:
            schema["format"] = field.format
        if field.pattern:
            schema["pattern"] = field.pattern
        if field.enum:
            schema["enum"] = list(field.enum)
    elif field.type == "boolean":
        schema = {"type": "boolean"}
    elif field.type == "string[]":
        schema = {"type": "array", "items": {"type": "string"}}
    elif field.type == "id[]":
        schema = {"type": "array", "items": ID}
    else:
        raise AssertionError(f"unknown field type {field.type}")
    if field.nullable:
        schema = _nullable(schema)
    if field.description:
        schema["description"] = field.description
    return schema


def _body_schema(body: Body) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "type": "object",
        "additionalProperties": False,
        "properties": {name: _field_schema(f) for name, f in body.fields.items()},
    }
    if body.required:
        schema["required"] = list(body.required)
    if body.description:
        schema["description"] = body.description
    return schema


def _models() -> dict[str, Any]:
    organisation = _obj(
        {
            "code": STRING,
            "kind": {"type": "string", "enum": [k.value for k in OrganisationKind]},
            "name": STRING,
            "name_sv": _nullable(STRING),
            "brand": _nullable(STRING),
        }
    )
    window = _obj(
        {
            "state": {"type": "string", "enum": [s.value for s in RegistrationState]},
            "opened_at": _nullable(DATETIME),
            "closed_at": _nullable(DATETIME),
            "deadline": _nullable(DATETIME),
        },
        description="Open between opening and the deadline or a manual close",
    )
    workshop_public = {
        "id": ID,
        "series_id": ID,
        "title": STRING,
        "description": STRING,
        "day": DATE,
        "starts_at": CLOCK,
        "ends_at": CLOCK,
        "format": STRING,
        "plan": _nullable(STRING),
        "registration": _ref("RegistrationWindow"),
    }
    wish = {
        "id": ID,
        "registration_id": ID,
        "theme_id": _nullable(ID),
        "text": STRING,
        "created_at": DATETIME,
    }
    registration = {
        "id": ID,
        "workshop_id": ID,
        "name": STRING,
        "email": {"type": "string", "format": "email"},
        "organisation": _ref("Organisation"),
        "is_note_taker": BOOLEAN,
        "wishes": {"type": "array", "items": _ref("Wish")},
        "created_at": DATETIME,
        "updated_at": DATETIME,
    }
    return {
        "Error": _obj(
            {
                "error": {
                    "type": "string",
                    "description": "Stable code: invalid, not_found, "
                    "forbidden, conflict, gone, unauthorized, csrf, bad_request, "
                    "unsupported_media_type, …",
                },
                "message": {"type": "string", "description": "Readable, in the user's language"},
                "field": {"type": "string", "description": "The body field it concerns"},
                "errors": {
                    "type": "object",
                    "additionalProperties": STRING,
                    "description": "Every field's message, when several are wrong",
                },
            },
            optional=("field", "errors"),
        ),
        "Organisation": organisation,
        "Series": _obj(
            {
                "id": ID,
                "slug": STRING,
                "title": STRING,
                "memo_title": STRING,
                "organiser": STRING,
                "description": STRING,
                "contacts": STRING,
                "funding_footer": STRING,
                "is_public": BOOLEAN,
                "created_at": DATETIME,
            }
        ),
        "RegistrationWindow": window,
        "Workshop": _obj(
            workshop_public
            | {
                "invitation_token": STRING,
                "invitation_url": {
                    "type": "string",
                    "format": "uri",
                    "description": "The registration form participants get",
                },
                "created_at": DATETIME,
            }
        ),
        "WorkshopSummary": _obj(
            workshop_public, description="A workshop as its participant sees it"
        ),
        "Wish": _obj(wish),
        "WishWithOrganisation": _obj(wish | {"organisation": _ref("Organisation")}),
        "Registration": _obj(registration),
        "Me": _obj(
            registration | {"workshop": _ref("WorkshopSummary")},
            description="The caller's own registration",
        ),
        "RegistrationCreated": _obj(
            {
                "registration": _ref("Registration"),
                "token": {
                    "type": "string",
                    "description": "The private link's token: send it as "
                    "Authorization: Bearer. A later registration with the same address "
                    "replaces it.",
                },
                "page_url": {
                    "type": "string",
                    "format": "uri",
                    "description": "The participant's own page",
                },
            }
        ),
        "Prompt": _obj(
            {
                "id": ID,
                "theme_id": ID,
                "kind": {
                    "type": "string",
                    "enum": [k.value for k in PromptKind],
                    "description": f"level: answers tagged {', '.join(ANSWER_LEVELS)}",
                },
                "text": STRING,
                "options": {"type": "array", "items": STRING},
                "position": {"type": "integer", "minimum": 0},
            }
        ),
        "Theme": _obj(
            {
                "id": ID,
                "workshop_id": ID,
                "title": STRING,
                "memo_phrase": STRING,
                "description": STRING,
                "position": {"type": "integer", "minimum": 0},
                "wish_ids": {
                    "type": "array",
                    "items": ID,
                    "description": "The wishes it was grouped from",
                },
                "prompts": {"type": "array", "items": _ref("Prompt")},
                "created_at": DATETIME,
            }
        ),
        "CsrfToken": _obj({"csrf_token": STRING}),
        "OrganisationList": _list("organisations", "Organisation"),
        "SeriesList": _list("series", "Series"),
        "WorkshopList": _list("workshops", "Workshop"),
        "RegistrationList": _list("registrations", "Registration"),
        "WishList": _list("wishes", "WishWithOrganisation"),
        "ThemeList": _list("themes", "Theme"),
        "PromptList": _list("prompts", "Prompt"),
    }


_ERRORS = {
    400: (
        "BadRequest",
        "Malformed JSON, a body that is not an object, or (error `csrf`) a "
        "coordinator's unsafe request without a valid X-CSRFToken header",
    ),
    401: ("Unauthorized", "No coordinator session, or no participant Bearer token"),
    404: ("NotFound", "No such thing here, or a wrong (tampered or replaced) token"),
    409: ("Conflict", "Clashes with the current state, e.g. registration is not open"),
    410: ("Gone", "The participant's link has expired after the workshop"),
    413: ("PayloadTooLarge", "The body is larger than 1 MiB"),
    415: ("UnsupportedMediaType", "The body is not sent as application/json"),
    429: (
        "TooManyRequests",
        "Too many requests from this client address (see facilitate/ratelimits.py); "
        "the Retry-After header says how many seconds to wait",
    ),
    422: (
        "Invalid",
        "A field is missing, unknown, of the wrong type or breaks a rule; "
        "`field` names it and `errors` lists every field's message",
    ),
}


def _responses() -> dict[str, Any]:
    return {
        name: {"description": text, "content": {JSON: {"schema": _ref("Error")}}}
        for name, text in _ERRORS.values()
    }


_PATH_PARAMETER = re.compile(r"{(\w+)}")


def _parameters(path: str) -> list[dict[str, Any]]:
    params = []
    for name in _PATH_PARAMETER.findall(path):
        schema = {"type": "string"} if name == "invitation_token" else ID
        params.append({"name": name, "in": "path", "required": True, "schema": schema})
    return params


def _operation(
    method: str,
    path: str,
    operation_id: str,
    summary: str,
    access: str,
    *,
    ok: int = 200,
    returns: str | None = None,
    body: Body | None = None,
    body_required: bool = True,
    updated: str | None = None,
    errors: tuple[int, ...] = (),
    tag: str,
) -> dict[str, Any]:
    unsafe = method in UNSAFE
    statuses = set(errors) | {429}
    if access == "coordinator":
        statuses.add(401)
        if unsafe:
            statuses.add(400)
    if access == "participant":
        statuses |= {401, 404, 410}
    if body is not None:
        statuses |= {400, 413, 415, 422}
    if _PATH_PARAMETER.search(path):
        statuses.add(404)
    responses: dict[str, Any] = {}
    if ok == 204:
        responses["204"] = {"description": "Done; no body"}
    else:
        content = {JSON: {"schema": _ref(returns) if returns else {"type": "object"}}}
        responses[str(ok)] = {"description": "Created" if ok == 201 else "OK", "content": content}
        if updated:
            # A create that finds the thing already there answers 200 with the same shape.
            responses["200"] = {"description": updated, "content": content}
    for status in sorted(statuses):
        responses[str(status)] = {"$ref": f"#/components/responses/{_ERRORS[status][0]}"}
    who = {
        "coordinator": "Coordinator",
        "participant": "Participant (Bearer token)",
        "public": "Anyone",
    }[access]
    security_key = "coordinator-unsafe" if access == "coordinator" and unsafe else access
    operation: dict[str, Any] = {
        "operationId": operation_id,
        "summary": summary,
        "description": f"Who may call: {who}.",
        "tags": [tag],
        "security": _SECURITY[security_key],
        "responses": responses,
    }
    if params := _parameters(path):
        operation["parameters"] = params
    if body is not None:
        operation["requestBody"] = {
            "required": body_required,
            "content": {JSON: {"schema": _ref(body.name)}},
        }
    return operation


def _endpoints() -> list[dict[str, Any]]:
    c, p, a = "coordinator", "participant", "public"
    w = "/workshops/{workshop_id}"
    t = f"{w}/themes/{{theme_id}}"
    return [
        dict(
            method="get",
            path="/openapi.json",
            operation_id="getOpenApi",
            summary="This document",
            access=a,
            tag="Public",
        ),
        dict(
            method="get",
            path="/csrf-token",
            operation_id="getCsrfToken",
            summary="A CSRF token for the coordinator's unsafe requests",
            access=a,
            returns="CsrfToken",
            tag="Public",
        ),
        dict(
            method="get",
            path="/organisations",
            operation_id="listOrganisations",
            summary="Organisations a participant can choose",
            access=a,
            returns="OrganisationList",
            tag="Public",
        ),
        dict(
            method="post",
            path="/invitations/{invitation_token}/registrations",
            operation_id="register",
            access=a,
            tag="Public",
            summary="Register through the invitation link (201), or update the registration "
            "of the same address (200, new token; the old one stops working)",
            ok=201,
            returns="RegistrationCreated",
            body=schemas.REGISTRATION,
            updated="The registration of the same address was updated",
            errors=(409,),
        ),
        dict(
            method="get",
            path="/series",
            operation_id="listSeries",
            summary="Every series",
            access=c,
            returns="SeriesList",
            tag="Series",
        ),
        dict(
            method="post",
            path="/series",
            operation_id="createSeries",
            summary="Create a series",
            access=c,
            ok=201,
            returns="Series",
            body=schemas.SERIES,
            tag="Series",
        ),
        dict(
            method="get",
            path="/series/{series_id}",
            operation_id="getSeries",
            summary="One series",
            access=c,
            returns="Series",
            tag="Series",
        ),
        dict(
            method="patch",
            path="/series/{series_id}",
            operation_id="updateSeries",
            summary="Change a series",
            access=c,
            returns="Series",
            body=schemas.SERIES_UPDATE,
            tag="Series",
        ),
        dict(
            method="get",
            path="/series/{series_id}/workshops",
            operation_id="listWorkshops",
            summary="A series' workshops by day",
            access=c,
            returns="WorkshopList",
            tag="Workshops",
        ),
        dict(
            method="post",
            path="/series/{series_id}/workshops",
            operation_id="createWorkshop",
            access=c,
            ok=201,
            returns="Workshop",
            summary="Create a workshop, optionally from a session plan",
            body=schemas.WORKSHOP,
            tag="Workshops",
        ),
        dict(
            method="get",
            path=w,
            operation_id="getWorkshop",
            summary="One workshop",
            access=c,
            returns="Workshop",
            tag="Workshops",
        ),
        dict(
            method="patch",
            path=w,
            operation_id="updateWorkshop",
            summary="Change a workshop",
            access=c,
            returns="Workshop",
            body=schemas.WORKSHOP_UPDATE,
            tag="Workshops",
        ),
        dict(
            method="post",
            path=f"{w}/registration/open",
            operation_id="openRegistration",
            summary="Open (or reopen) registration",
            access=c,
            returns="Workshop",
            body=schemas.REGISTRATION_OPEN,
            body_required=False,
            tag="Workshops",
        ),
        dict(
            method="post",
            path=f"{w}/registration/close",
            operation_id="closeRegistration",
            summary="Close registration by hand",
            access=c,
            returns="Workshop",
            errors=(409, 415, 422),
            tag="Workshops",
        ),
        dict(
            method="get",
            path=f"{w}/registrations",
            operation_id="listRegistrations",
            summary="Registrations with organisation and wishes",
            access=c,
            returns="RegistrationList",
            tag="Workshops",
        ),
        dict(
            method="get",
            path=f"{w}/wishes",
            operation_id="listWishes",
            summary="Every wish with its theme and organisation",
            access=c,
            returns="WishList",
            tag="Agenda",
        ),
        dict(
            method="post",
            path=f"{w}/wishes/ungroup",
            operation_id="ungroupWishes",
            summary="Take wishes out of their themes; returns every wish",
            access=c,
            returns="WishList",
            body=schemas.WISH_IDS,
            tag="Agenda",
        ),
        dict(
            method="get",
            path=f"{w}/themes",
            operation_id="listThemes",
            summary="The agenda in order",
            access=c,
            returns="ThemeList",
            tag="Agenda",
        ),
        dict(
            method="post",
            path=f"{w}/themes",
            operation_id="createTheme",
            summary="Add a theme at the end of the agenda, grouping wish_ids into it",
            access=c,
            ok=201,
            returns="Theme",
            body=schemas.THEME,
            tag="Agenda",
        ),
        dict(
            method="put",
            path=f"{w}/agenda",
            operation_id="reorderAgenda",
            summary="Set the agenda order",
            access=c,
            returns="ThemeList",
            body=schemas.AGENDA,
            tag="Agenda",
        ),
        dict(
            method="get",
            path=t,
            operation_id="getTheme",
            summary="One theme",
            access=c,
            returns="Theme",
            tag="Agenda",
        ),
        dict(
            method="patch",
            path=t,
            operation_id="updateTheme",
            summary="Change a theme",
            access=c,
            returns="Theme",
            body=schemas.THEME_UPDATE,
            tag="Agenda",
        ),
        dict(
            method="delete",
            path=t,
            operation_id="deleteTheme",
            summary="Delete a theme and its prompts; its wishes become ungrouped",
            access=c,
            ok=204,
            tag="Agenda",
        ),
        dict(
            method="post",
            path=f"{t}/wishes",
            operation_id="groupWishes",
            summary="Group wishes into this theme",
            access=c,
            returns="Theme",
            body=schemas.WISH_IDS,
            tag="Agenda",
        ),
        dict(
            method="get",
            path=f"{t}/prompts",
            operation_id="listPrompts",
            summary="A theme's prompts in order",
            access=c,
            returns="PromptList",
            tag="Prompts",
        ),
        dict(
            method="post",
            path=f"{t}/prompts",
            operation_id="createPrompt",
            summary="Add a prompt",
            access=c,
            ok=201,
            returns="Prompt",
            body=schemas.PROMPT,
            tag="Prompts",
        ),
        dict(
            method="patch",
            path=f"{t}/prompts/{{prompt_id}}",
            operation_id="updatePrompt",
            summary="Change a prompt",
            access=c,
            returns="Prompt",
            body=schemas.PROMPT_UPDATE,
            tag="Prompts",
        ),
        dict(
            method="delete",
            path=f"{t}/prompts/{{prompt_id}}",
            operation_id="deletePrompt",
            summary="Delete a prompt",
            access=c,
            ok=204,
            tag="Prompts",
        ),
        dict(
            method="get",
            path="/me",
            operation_id="getMe",
            summary="The caller's registration, wishes and workshop",
            access=p,
            returns="Me",
            tag="Participant",
        ),
        dict(
            method="patch",
            path="/me",
            operation_id="updateMe",
            summary="Change name or organisation while registration is open",
            access=p,
            returns="Me",
            body=schemas.PROFILE,
            errors=(409,),
            tag="Participant",
        ),
        dict(
            method="post",
            path="/me/wishes",
            operation_id="addWish",
            summary="Add a wish while registration is open",
            access=p,
            ok=201,
            returns="Wish",
            body=schemas.WISH,
            errors=(409,),
            tag="Participant",
        ),
        dict(
            method="patch",
            path="/me/wishes/{wish_id}",
            operation_id="updateWish",
            summary="Reword one's own wish while registration is open",
            access=p,
            returns="Wish",
            body=schemas.WISH,
            errors=(409,),
            tag="Participant",
        ),
        dict(
            method="delete",
            path="/me/wishes/{wish_id}",
            operation_id="deleteWish",
            summary="Withdraw one's own wish (not once it is on the agenda)",
            access=p,
            ok=204,
            errors=(409,),
            tag="Participant",
        ),
    ]


def build() -> dict[str, Any]:
    """The whole document as plain data."""
    paths: dict[str, dict[str, Any]] = {}
    for endpoint in _endpoints():
        method, path = endpoint.pop("method"), endpoint.pop("path")
        paths.setdefault(path, {})[method] = _operation(method, path, **endpoint)
    components_schemas = _models() | {body.name: _body_schema(body) for body in schemas.BODIES}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "facilitate API",
            "version": "1.0.0",
            "description": (
                "Peer-reflection workshops: series, workshops, registration, wishes and the "
                "agenda.\n\n"
                "Coordinators use the session cookie of a login at /login. Their POST, PUT, "
                "PATCH and DELETE requests also send the header X-CSRFToken with a token from "
                "GET /csrf-token.\n\n"
                "Participants send their private link's token as `Authorization: Bearer "
                "<token>`; they get it when they register through the invitation link.\n\n"
                "Bodies are JSON objects; unknown fields are refused. Dates are ISO 8601, "
                "times HH:MM (Finnish local time), datetimes ISO 8601 with offset. Errors "
                "have the body Error."
            ),
        },
        "servers": [{"url": "/api/v1"}],
        "tags": [
            {"name": name}
            for name in ("Public", "Series", "Workshops", "Agenda", "Prompts", "Participant")
        ],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "coordinatorSession": {
                    "type": "apiKey",
                    "in": "cookie",
                    "name": "session",
                    "description": "The coordinator's login session (log in at /login)",
                },
                "csrfToken": {
                    "type": "apiKey",
                    "in": "header",
                    "name": "X-CSRFToken",
                    "description": "From GET /csrf-token; needed with the session cookie on "
                    "POST, PUT, PATCH and DELETE",
                },
                "participantToken": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "The token of the participant's private registration link",
                },
            },
            "schemas": components_schemas,
            "responses": _responses(),
        },
    }


#: The document, built once.
DOCUMENT: dict[str, Any] = build()
#: The document as the endpoint serves it.
DOCUMENT_JSON: str = json.dumps(DOCUMENT, ensure_ascii=False, indent=1)
