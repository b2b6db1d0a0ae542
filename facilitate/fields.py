"""Typed input fields (pydantic) shared by every input model, each with the message a person
reads when a value does not fit, and `parse`, which turns a model's refusal into `Invalid`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal, TypeVar

from annotated_types import Ge, Le
from flask_babel import lazy_gettext as _l
from pydantic import (
    BaseModel,
    ConfigDict,
    GetCoreSchemaHandler,
    Strict,
    StringConstraints,
    ValidationError,
    model_validator,
)
from pydantic_core import PydanticCustomError, core_schema

from .actions.operations import STATUS_REFUSED
from .errors import Collector, Invalid
from .models import CLIENT_ID_MAX_CHARS, REVIEW_STATUSES
from .validation import FLAG_REFUSED, REQUIRED, clean_text

M = TypeVar("M", bound=BaseModel)

#: Database ids are positive 32-bit integers (PostgreSQL's integer).
ID_MAX = 2**31 - 1
#: A change id the client makes up: safe in a URL, a log line and a database key.
CHANGE_ID_PATTERN = rf"^[A-Za-z0-9_-]{{8,{CLIENT_ID_MAX_CHARS}}}$"


@dataclass(frozen=True)
class Message:
    """A field's one message for any value it refuses, a missing one included."""

    message: Any

    def __get_pydantic_core_schema__(self, source: Any,
                                     handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        message = self.message

        def check(value: Any, inner: core_schema.ValidatorFunctionWrapHandler) -> Any:
            try:
                return inner(value)
            except ValidationError:
                raise refuse(message) from None

        return core_schema.no_info_wrap_validator_function(check, handler(source))


@dataclass(frozen=True)
class Text:
    """A text field checked as every form checks one (validation.clean_text): stripped,
    control characters removed, one line unless `multiline`, at most `max_chars`."""

    max_chars: int
    required: bool = True
    multiline: bool = False

    def __get_pydantic_core_schema__(self, source: Any,
                                     handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        def check(value: Any) -> str:
            errors = Collector()
            text = clean_text(errors, "text", value, max_chars=self.max_chars,
                              required=self.required, multiline=self.multiline)
            if errors.errors:
                raise refuse(errors.errors["text"])
            return text

        text = core_schema.str_schema(max_length=self.max_chars,
                                      min_length=1 if self.required else None)
        return core_schema.no_info_plain_validator_function(
            check, json_schema_input_schema=text if self.required
            else core_schema.nullable_schema(text))


def refuse(message: Any) -> PydanticCustomError:
    """The error a field's validator raises: `message`, worded now, in the language of the
    request or connection being validated."""
    return PydanticCustomError("refused", "{message}", {"message": str(message)})


Id = Annotated[int, Strict(), Ge(1), Le(ID_MAX),
               Message(_l("Tunniste puuttuu tai on virheellinen."))]
Flag = Annotated[bool, Strict(), Message(FLAG_REFUSED)]
#: What a workshop says of an earlier action; null takes its word back.
ReviewStatus = Annotated[
    Literal[tuple(status.value for status in REVIEW_STATUSES)] | None,  # type: ignore[misc]
    Message(STATUS_REFUSED)]
ChangeId = Annotated[str, Strict(), StringConstraints(pattern=CHANGE_ID_PATTERN),
                     Message(_l("Muutoksen tunniste puuttuu tai on virheellinen "
                                "(8–64 merkkiä: kirjaimet, numerot, _ ja -)."))]


class Payload(BaseModel):
    """An input model: keys it does not know are ignored, and a key left out is checked as
    null, so that it gets its field's own message ("Kenttä on pakollinen.")."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _absent_is_null(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return {**dict.fromkeys(cls.model_fields), **data}
        return data


def parse(model: type[M], data: Any) -> M:
    """`data` as a `model`, or Invalid naming every field that does not fit."""
    if not isinstance(data, dict):
        raise Invalid(_l("Viestin sisällön pitää olla JSON-olio."))
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise invalid(error, model) from None


def _own_message(model: type[BaseModel], loc: tuple[Any, ...]) -> Any:
    # A field with one message for every refusal ("Valitse organisaatio.") says it when the
    # field is left out too.
    field = model.model_fields.get(str(loc[0])) if len(loc) == 1 else None
    messages = [m.message for m in (field.metadata if field else ()) if isinstance(m, Message)]
    return messages[-1] if messages else None


def invalid(error: ValidationError, model: type[BaseModel]) -> Invalid:
    """A model's refusal as Invalid: each field's own message, keyed by its dotted path."""
    errors: dict[str, Any] = {}
    # An unknown key first: it is often the cause of a missing one (a misspelling).
    for problem in sorted(error.errors(), key=lambda p: p["type"] != "extra_forbidden"):
        field = ".".join(str(part) for part in problem["loc"])
        if problem["type"] == "missing":
            message: Any = _own_message(model, problem["loc"]) or REQUIRED
        elif problem["type"] == "extra_forbidden":
            message = _l("Tuntematon kenttä. Sallitut kentät: %(fields)s.",
                         fields=", ".join(model.model_fields) or "-")
        else:
            message = problem.get("ctx", {}).get("message") or problem["msg"]
        errors.setdefault(field, message)
    return Invalid(errors=errors)
