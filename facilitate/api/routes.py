"""JSON API under /api/v1: coordinators by session cookie (+ CSRF header), participants by
their private link's token, and the invitation's public registration. Each endpoint declares
who may call it, its body (the `json` argument) and its answer in `route(...)`."""

from __future__ import annotations

import functools
from typing import Any

from flask import Blueprint, Response, abort, current_app, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy import select

from ..actions import operations as actions_ops
from ..agenda import operations as agenda_ops
from ..errors import Invalid
from ..export import FORMATS
from ..extensions import csrf, db, limiter
from ..fields import ID_MAX
from ..mail import delivery
from ..mail import messages as mail_messages
from ..models import Action as ActionRow
from ..models import Registration as RegistrationRow
from ..models import Theme as ThemeRow
from ..models import Workshop as WorkshopRow
from ..plans import PlanError, get_plan
from ..ratelimits import API_PER_CLIENT, registration_limit
from ..registration import operations as registration_ops
from ..results import operations as results_ops
from ..retention import operations as retention_ops
from ..room.dispatch import Broadcast, broadcast
from ..room.snapshot import action_payload
from ..series import operations as series_ops
from ..summary.compile import compile_summary, summary_markdown
from ..tracking import operations as tracking_ops
from ..web import commit, site_address
from .requests import (
    ActionCreate,
    ActionReviewSet,
    AgendaOrder,
    Empty,
    ProfileUpdate,
    PromptCreate,
    PromptUpdate,
    RegistrationCreate,
    RegistrationOpen,
    SeriesCreate,
    SeriesUpdate,
    ThemeCreate,
    ThemeUpdate,
    WishIds,
    WishText,
    WorkshopCreate,
    WorkshopUpdate,
)
from .responses import (
    Action,
    ActionList,
    Breakdown,
    CsrfToken,
    MailSent,
    Me,
    OpenApiDocument,
    Organisation,
    OrganisationList,
    PersonalData,
    Prompt,
    PromptList,
    Registration,
    RegistrationCreated,
    RegistrationList,
    Series,
    SeriesList,
    Summary,
    SummaryQuestion,
    SummaryWorkshop,
    Theme,
    ThemeList,
    TrackedQuestion,
    TrackedQuestionList,
    TrackedResult,
    Wish,
    WishList,
    WishWithOrganisation,
    Workshop,
    WorkshopList,
)
from .spec import (
    ACCESS_ATTRIBUTE,
    COORDINATOR,
    PARTICIPANT,
    PUBLIC,
    UNSAFE_METHODS,
    document,
    endpoint,
)

bp = Blueprint("api", __name__, url_prefix="/api/v1")
limiter.limit(API_PER_CLIENT)(bp)
route = functools.partial(endpoint, bp)

W = "/workshops/<int:workshop_id>"
T = f"{W}/themes/<int:theme_id>"


@bp.before_request
def _csrf() -> None:
    view = current_app.view_functions.get(request.endpoint or "")
    # Only the session cookie can be ridden by another site; a bearer token cannot, and an
    # anonymous request gets its 401 from the view.
    if (
        request.method in UNSAFE_METHODS
        and getattr(view, ACCESS_ATTRIBUTE, None) == COORDINATOR
        and current_user.is_authenticated
        and current_app.config.get("WTF_CSRF_ENABLED", True)
    ):
        csrf.protect()


@bp.url_value_preprocessor
def _ids_in_range(_endpoint: str | None, values: dict[str, Any] | None) -> None:
    # A number past the integer column's range would overflow the driver: it is not found.
    if values and any(isinstance(v, int) and v > ID_MAX for v in values.values()):
        abort(404)


@bp.after_request
def _private(response: Response) -> Response:
    # Answers carry participants' data and link tokens: keep them out of caches.
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


# --- public -------------------------------------------------------------------------------


@route("GET", "/openapi.json", PUBLIC, "getOpenApi", tag="Public", answer=OpenApiDocument)
def openapi() -> Response:
    """This document."""
    return current_app.json.response(document())


@route("GET", "/csrf-token", PUBLIC, "getCsrfToken", tag="Public", answer=CsrfToken)
def csrf_token() -> CsrfToken:
    """A CSRF token for the coordinator's unsafe requests."""
    return CsrfToken(csrf_token=generate_csrf())


@route("GET", "/organisations", PUBLIC, "listOrganisations", tag="Public",
       answer=OrganisationList)
def organisations() -> OrganisationList:
    """Organisations a participant can choose."""
    return OrganisationList(organisations=[
        Organisation.of(o) for o in registration_ops.list_organisations(db.session)])


@route("POST", "/invitations/<invitation_token>/registrations", PUBLIC, "register",
       tag="Public", answer=RegistrationCreated, ok=201, errors=(409,), limit=registration_limit,
       also={202: (MailSent, "The address was registered already: nothing was changed, and "
                   "a new private link was mailed to it")})
def register(invitation_token: str,
             json: RegistrationCreate) -> tuple[RegistrationCreated | MailSent, int]:
    """Register through the invitation link (201, with the private link, which is also
    mailed); an address registered already changes nothing and gets its link by mail (202)."""
    workshop = series_ops.get_workshop_by_invitation(db.session, invitation_token)
    registered = registration_ops.register(db.session, workshop, json.given(),
                                           language=str(get_locale()))
    queued = mail_messages.after_registration(db.session, registered)
    commit()
    delivery.send_after_response([queued])
    if not registered.created:
        return MailSent(
            message=mail_messages.link_mailed_notice(registered.registration.email)), 202
    return RegistrationCreated(
        registration=Registration.of(registered.registration),
        token=registered.token,
        page_url=url_for("registration.own_page", token=registered.token, _external=True),
    ), 201


# --- series and workshops -----------------------------------------------------------------


@route("GET", "/series", COORDINATOR, "listSeries", tag="Series", answer=SeriesList)
def list_series() -> SeriesList:
    """Every series, by title."""
    return SeriesList(series=[Series.of(s) for s in series_ops.list_series(db.session)])


@route("POST", "/series", COORDINATOR, "createSeries", tag="Series", answer=Series, ok=201)
def create_series(json: SeriesCreate) -> tuple[Series, int]:
    """Create a series."""
    series = series_ops.create_series(db.session, json.given())
    commit()
    return Series.of(series), 201


@route("GET", "/series/<int:series_id>", COORDINATOR, "getSeries", tag="Series",
       answer=Series)
def get_series(series_id: int) -> Series:
    """One series."""
    return Series.of(series_ops.get_series(db.session, series_id))


@route("PATCH", "/series/<int:series_id>", COORDINATOR, "updateSeries", tag="Series",
       answer=Series)
def update_series(series_id: int, json: SeriesUpdate) -> Series:
    """Change the given fields of a series."""
    series = series_ops.get_series(db.session, series_id)
    series_ops.update_series(db.session, series, json.given(), by=current_user.id)
    commit()
    return Series.of(series)


@route("GET", "/series/<int:series_id>/workshops", COORDINATOR, "listWorkshops",
       tag="Workshops", answer=WorkshopList)
def list_workshops(series_id: int) -> WorkshopList:
    """A series' workshops by day."""
    series = series_ops.get_series(db.session, series_id)
    return WorkshopList(workshops=[Workshop.of(w) for w in series.workshops])


@route("POST", "/series/<int:series_id>/workshops", COORDINATOR, "createWorkshop",
       tag="Workshops", answer=Workshop, ok=201)
def create_workshop(series_id: int, json: WorkshopCreate) -> tuple[Workshop, int]:
    """Create a workshop, optionally from a session plan."""
    series = series_ops.get_series(db.session, series_id)
    data = json.given()
    plan_slug = data.pop("plan", None)
    try:
        plan = get_plan(plan_slug) if plan_slug is not None else None
    except PlanError as error:
        # error.message, not str(error): the latter names a path on the server.
        raise Invalid(error.message, field="plan") from None
    workshop = series_ops.create_workshop(db.session, series, data, plan=plan)
    commit()
    return Workshop.of(workshop), 201


@route("GET", W, COORDINATOR, "getWorkshop", tag="Workshops", answer=Workshop)
def get_workshop(workshop_id: int) -> Workshop:
    """One workshop with its registration state."""
    return Workshop.of(series_ops.get_workshop(db.session, workshop_id))


@route("PATCH", W, COORDINATOR, "updateWorkshop", tag="Workshops", answer=Workshop)
def update_workshop(workshop_id: int, json: WorkshopUpdate) -> Workshop:
    """Change the given fields of a workshop."""
    workshop = series_ops.get_workshop(db.session, workshop_id)
    series_ops.update_workshop(db.session, workshop, json.given(), by=current_user.id)
    commit()
    return Workshop.of(workshop)


@route("POST", f"{W}/registration/open", COORDINATOR, "openRegistration", tag="Workshops",
       answer=Workshop)
def open_registration(workshop_id: int, json: RegistrationOpen) -> Workshop:
    """Open (or reopen) registration, optionally with a new deadline."""
    workshop = series_ops.get_workshop(db.session, workshop_id)
    try:
        series_ops.open_registration(db.session, workshop, json.deadline, by=current_user.id)
    except Invalid as error:
        # The operation names the column; the caller sent "deadline".
        raise Invalid(error.message, field="deadline") from None
    commit()
    return Workshop.of(workshop)


@route("POST", f"{W}/registration/close", COORDINATOR, "closeRegistration", tag="Workshops",
       answer=Workshop, errors=(409,))
def close_registration(workshop_id: int, json: Empty) -> Workshop:
    """Close registration by hand."""
    workshop = series_ops.get_workshop(db.session, workshop_id)
    series_ops.close_registration(db.session, workshop, by=current_user.id)
    commit()
    return Workshop.of(workshop)


@route("GET", f"{W}/registrations", COORDINATOR, "listRegistrations", tag="Workshops",
       answer=RegistrationList)
def list_registrations(workshop_id: int) -> RegistrationList:
    """Who has registered, with organisation and wishes."""
    workshop = series_ops.get_workshop(db.session, workshop_id)
    return RegistrationList(registrations=[
        Registration.of(r) for r in registration_ops.list_registrations(db.session, workshop)])


# --- wishes and the agenda ----------------------------------------------------------------


def _wishes(workshop_id: int) -> WishList:
    workshop = series_ops.get_workshop(db.session, workshop_id)
    return WishList(wishes=[
        WishWithOrganisation.of(w) for w in agenda_ops.list_wishes(db.session, workshop)])


@route("GET", f"{W}/wishes", COORDINATOR, "listWishes", tag="Agenda", answer=WishList)
def list_wishes(workshop_id: int) -> WishList:
    """Every wish of a workshop with its theme and organisation."""
    return _wishes(workshop_id)


@route("POST", f"{W}/wishes/ungroup", COORDINATOR, "ungroupWishes", tag="Agenda",
       answer=WishList)
def ungroup_wishes(workshop_id: int, json: WishIds) -> WishList:
    """Take wishes out of their themes; answers with all the workshop's wishes."""
    workshop = series_ops.get_workshop(db.session, workshop_id)
    agenda_ops.ungroup_wishes(db.session, workshop, json.wish_ids)
    commit()
    return _wishes(workshop_id)


def _themes(workshop_id: int) -> ThemeList:
    workshop = series_ops.get_workshop(db.session, workshop_id)
    return ThemeList(themes=[Theme.of(t) for t in agenda_ops.list_themes(db.session, workshop)])


@route("GET", f"{W}/themes", COORDINATOR, "listThemes", tag="Agenda", answer=ThemeList)
def list_themes(workshop_id: int) -> ThemeList:
    """The agenda in order, each theme with its wishes and prompts."""
    return _themes(workshop_id)


@route("POST", f"{W}/themes", COORDINATOR, "createTheme", tag="Agenda", answer=Theme, ok=201)
def create_theme(workshop_id: int, json: ThemeCreate) -> tuple[Theme, int]:
    """Add a theme at the end of the agenda, grouping `wish_ids` into it if given."""
    workshop = series_ops.get_workshop(db.session, workshop_id)
    data = json.given()
    wish_ids = data.pop("wish_ids", None)
    if wish_ids:
        theme = agenda_ops.group_wishes(db.session, workshop, wish_ids, new_theme=data)
    else:
        theme = agenda_ops.create_theme(db.session, workshop, data)
    commit()
    return Theme.of(theme), 201


@route("PUT", f"{W}/agenda", COORDINATOR, "reorderAgenda", tag="Agenda", answer=ThemeList)
def reorder_agenda(workshop_id: int, json: AgendaOrder) -> ThemeList:
    """Set the agenda order; `theme_ids` names every theme once."""
    workshop = series_ops.get_workshop(db.session, workshop_id)
    agenda_ops.reorder_themes(db.session, workshop, json.theme_ids)
    commit()
    return _themes(workshop_id)


@route("GET", T, COORDINATOR, "getTheme", tag="Agenda", answer=Theme)
def get_theme(workshop_id: int, theme_id: int) -> Theme:
    """One theme with its wishes and prompts."""
    return Theme.of(_theme(workshop_id, theme_id))


@route("PATCH", T, COORDINATOR, "updateTheme", tag="Agenda", answer=Theme)
def update_theme(workshop_id: int, theme_id: int, json: ThemeUpdate) -> Theme:
    """Change a theme's title, memo phrase or description."""
    theme = _theme(workshop_id, theme_id)
    agenda_ops.update_theme(db.session, theme, json.given())
    commit()
    return Theme.of(theme)


@route("DELETE", T, COORDINATOR, "deleteTheme", tag="Agenda", ok=204)
def delete_theme(workshop_id: int, theme_id: int) -> tuple[str, int]:
    """Delete a theme and its prompts; its wishes become ungrouped."""
    agenda_ops.delete_theme(db.session, _theme(workshop_id, theme_id), by=current_user.id)
    commit()
    return "", 204


@route("POST", f"{T}/wishes", COORDINATOR, "groupWishes", tag="Agenda", answer=Theme)
def group_wishes(workshop_id: int, theme_id: int, json: WishIds) -> Theme:
    """Group wishes of this workshop into an existing theme."""
    workshop = series_ops.get_workshop(db.session, workshop_id)
    theme = agenda_ops.get_theme(db.session, workshop, theme_id)
    agenda_ops.group_wishes(db.session, workshop, json.wish_ids, theme_id=theme.id)
    commit()
    return Theme.of(theme)


# --- prompts ------------------------------------------------------------------------------


def _theme(workshop_id: int, theme_id: int) -> ThemeRow:
    workshop = series_ops.get_workshop(db.session, workshop_id)
    return agenda_ops.get_theme(db.session, workshop, theme_id)


@route("GET", f"{T}/prompts", COORDINATOR, "listPrompts", tag="Prompts", answer=PromptList)
def list_prompts(workshop_id: int, theme_id: int) -> PromptList:
    """A theme's prompts in order."""
    theme = _theme(workshop_id, theme_id)
    return PromptList(prompts=[Prompt.of(p) for p in sorted(theme.prompts,
                                                             key=lambda p: p.position)])


@route("POST", f"{T}/prompts", COORDINATOR, "createPrompt", tag="Prompts", answer=Prompt,
       ok=201)
def create_prompt(workshop_id: int, theme_id: int, json: PromptCreate) -> tuple[Prompt, int]:
    """Add a prompt at the end of a theme."""
    prompt = agenda_ops.add_prompt(db.session, _theme(workshop_id, theme_id), json.given(),
                                   by=current_user.id)
    commit()
    return Prompt.of(prompt), 201


@route("PATCH", f"{T}/prompts/<int:prompt_id>", COORDINATOR, "updatePrompt", tag="Prompts",
       answer=Prompt)
def update_prompt(workshop_id: int, theme_id: int, prompt_id: int, json: PromptUpdate) -> Prompt:
    """Change a prompt's kind, text or options."""
    prompt = agenda_ops.get_prompt(db.session, _theme(workshop_id, theme_id), prompt_id)
    agenda_ops.update_prompt(db.session, prompt, json.given(), by=current_user.id)
    commit()
    return Prompt.of(prompt)


@route("DELETE", f"{T}/prompts/<int:prompt_id>", COORDINATOR, "deletePrompt", tag="Prompts",
       ok=204)
def delete_prompt(workshop_id: int, theme_id: int, prompt_id: int) -> tuple[str, int]:
    """Remove a prompt from its theme."""
    prompt = agenda_ops.get_prompt(db.session, _theme(workshop_id, theme_id), prompt_id)
    agenda_ops.delete_prompt(db.session, prompt, by=current_user.id)
    commit()
    return "", 204


# --- results -------------------------------------------------------------------------------


@route("GET", f"{W}/prompts/<int:prompt_id>/breakdown", COORDINATOR, "getBreakdown",
       tag="Results", answer=Breakdown)
def get_breakdown(workshop_id: int, prompt_id: int) -> Breakdown:
    """A statement's or poll's answers by organisation, only as the anonymity rule shows them."""
    workshop = series_ops.get_workshop(db.session, workshop_id)
    prompt = results_ops.get_counted_prompt(db.session, workshop, prompt_id)
    breakdown = results_ops.breakdown(db.session, prompt,
                                      threshold=current_app.config["ANONYMITY_THRESHOLD"],
                                      others_label=_("Muut"))
    return Breakdown.of(prompt, breakdown)


@route("GET", "/series/<int:series_id>/tracked-questions", COORDINATOR, "listTrackedQuestions",
       tag="Results", answer=TrackedQuestionList)
def list_tracked_questions(series_id: int) -> TrackedQuestionList:
    """The series' statements and polls asked under one key in several workshops, with
    each workshop's answers."""
    series = series_ops.get_series(db.session, series_id)
    return TrackedQuestionList(questions=[TrackedQuestion(
        key=q.key, text=q.text, kind=q.kind, options=list(q.options), results=[
            TrackedResult(workshop_id=r.workshop_id, day=r.day, counts=list(r.counts),
                          total=r.total, percents=list(r.percents)) for r in q.results])
        for q in tracking_ops.series_tracked(db.session, series)])


@route("GET", "/series/<int:series_id>/summary", COORDINATOR, "getSummary", tag="Results",
       answer=Summary)
def get_summary(series_id: int) -> Summary:
    """The series summary: each published memo's key sentences and action lines, and the
    tracked questions over those workshops."""
    series = series_ops.get_series(db.session, series_id)
    summary = compile_summary(db.session, series, base_url=site_address())
    return Summary(
        heading=summary.heading, description=summary.description, span=summary.span,
        workshops=[SummaryWorkshop(
            workshop_id=w.workshop_id, day=w.day, title=w.title, memo_url=w.memo_url,
            key_sentences=list(w.key_sentences), actions=list(w.actions),
            reviews=list(w.reviews)) for w in summary.workshops],
        tracked=[SummaryQuestion(text=text, lines=list(lines))
                 for text, lines in summary.tracked],
        markdown=summary_markdown(summary),
        files={fmt: url_for("summary.download", slug=series.slug, fmt=fmt, _external=True)
               for fmt in FORMATS})


# --- agreed actions ------------------------------------------------------------------------


def _days(series_id: int) -> dict[int, Any]:
    return dict(db.session.execute(select(WorkshopRow.id, WorkshopRow.day).where(
        WorkshopRow.series_id == series_id)).all())


def _announce(workshop: WorkshopRow, action: ActionRow) -> None:
    # An open room sees a change made here at once, as if made in its console.
    broadcast(workshop.id, Broadcast("action.changed",
                                     {"action": action_payload(action, workshop)}))


@route("GET", "/series/<int:series_id>/actions", COORDINATOR, "listActions", tag="Actions",
       answer=ActionList)
def list_actions(series_id: int) -> ActionList:
    """Every action the series' workshops agreed, by the day agreed, with their reviews."""
    series = series_ops.get_series(db.session, series_id)
    days = _days(series.id)
    return ActionList(actions=[Action.of(action, days) for action, _workshop
                               in actions_ops.series_actions(db.session, series)])


@route("POST", f"{W}/actions", COORDINATOR, "createAction", tag="Actions", answer=Action,
       ok=201)
def create_action(workshop_id: int, json: ActionCreate) -> tuple[Action, int]:
    """Record an action the workshop agreed (the room records them as it goes: docs/
    realtime.md); the series' next workshop, if its room is unused, gets the review."""
    workshop = series_ops.get_workshop(db.session, workshop_id)
    data = json.given()
    action = actions_ops.add_action(db.session, workshop, data,
                                    theme_id=data.get("theme_id"), by=current_user.id)
    commit()
    _announce(workshop, action)
    return Action.of(action, _days(workshop.series_id)), 201


@route("DELETE", f"{W}/actions/<int:action_id>", COORDINATOR, "deleteAction", tag="Actions",
       ok=204, errors=(409,))
def delete_action(workshop_id: int, action_id: int) -> tuple[str, int]:
    """Take back an action the workshop recorded, unless a later one has reviewed it."""
    workshop = series_ops.get_workshop(db.session, workshop_id)
    actions_ops.delete_action(db.session, workshop, action_id, by=current_user.id)
    commit()
    broadcast(workshop.id, Broadcast("action.removed", {"action_id": action_id}))
    return "", 204


@route("PUT", f"{W}/actions/<int:action_id>/review", COORDINATOR, "reviewAction",
       tag="Actions", answer=Action)
def review_action(workshop_id: int, action_id: int, json: ActionReviewSet) -> Action:
    """What this workshop says of an action agreed earlier in its series."""
    workshop = series_ops.get_workshop(db.session, workshop_id)
    action = actions_ops.review_action(db.session, workshop, action_id,
                                       actions_ops.parse_status(json.status),
                                       by=current_user.id)
    commit()
    _announce(workshop, action)
    return Action.of(action, _days(workshop.series_id))


# --- the participant's own registration ---------------------------------------------------


@route("GET", "/me", PARTICIPANT, "getMe", tag="Participant", answer=Me)
def get_me(registration: RegistrationRow) -> Me:
    """The caller's registration, wishes and workshop."""
    return Me.of(registration)


@route("PATCH", "/me", PARTICIPANT, "updateMe", tag="Participant", answer=Me, errors=(409,))
def update_me(registration: RegistrationRow, json: ProfileUpdate) -> Me:
    """Change name or organisation while registration is open."""
    registration_ops.update_registration(db.session, registration, json.given())
    commit()
    return Me.of(registration)


@route("GET", "/me/export", PARTICIPANT, "exportMe", tag="Participant", answer=PersonalData)
def export_me(registration: RegistrationRow) -> PersonalData:
    """Everything stored about the caller: registration, links, wishes, contributions,
    answers, votes, note edits and the messages sent to them."""
    return PersonalData.model_validate(retention_ops.personal_data(db.session, registration))


@route("DELETE", "/me", PARTICIPANT, "deleteMe", tag="Participant", ok=204)
def delete_me(registration: RegistrationRow) -> tuple[str, int]:
    """Delete the caller's registration: name, address, links and messages go, and the token
    stops working; wishes, contributions and answers stay, anonymous."""
    retention_ops.erase_registration(db.session, registration)
    commit()
    return "", 204


@route("POST", "/me/wishes", PARTICIPANT, "addWish", tag="Participant", answer=Wish, ok=201,
       errors=(409,))
def add_wish(registration: RegistrationRow, json: WishText) -> tuple[Wish, int]:
    """Add a wish while registration is open."""
    wish = registration_ops.add_wish(db.session, registration, json.text)
    commit()
    return Wish.of(wish), 201


@route("PATCH", "/me/wishes/<int:wish_id>", PARTICIPANT, "updateWish", tag="Participant",
       answer=Wish, errors=(409,))
def update_wish(registration: RegistrationRow, wish_id: int, json: WishText) -> Wish:
    """Reword one's own wish while registration is open."""
    wish = registration_ops.update_wish(db.session, registration, wish_id, json.text)
    commit()
    return Wish.of(wish)


@route("DELETE", "/me/wishes/<int:wish_id>", PARTICIPANT, "deleteWish", tag="Participant",
       ok=204, errors=(409,))
def delete_wish(registration: RegistrationRow, wish_id: int) -> tuple[str, int]:
    """Withdraw one's own wish (not once it is on the agenda)."""
    registration_ops.delete_wish(db.session, registration, wish_id)
    commit()
    return "", 204
