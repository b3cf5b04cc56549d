"""Building blocks shared by every SNAP request and response model.

Conventions (every family module follows them):

* Python attributes are snake_case; on the wire each field uses its SNAP camelCase name
  (``partner_reference_no`` <-> ``partnerReferenceNo``). Both spellings are accepted on input.
* :class:`SnapRequest` subclasses reject unknown top-level keywords (a typo must not reach the
  gateway) and validate on assignment; free-form objects such as ``additionalInfo`` accept
  extra keys. :class:`SnapResponse` subclasses, and every object inside them, keep unknown
  fields: they are readable as attributes and survive :meth:`SnapModel.to_wire`.
* A field left unset is omitted on the wire; a field explicitly set to ``None`` is sent as
  ``null``. So a parsed sample re-serializes to the same keys it came with.
* Money is :class:`Amount`: ``Decimal`` value written ``"10000.00"`` and currency ``IDR``.
  Built by a caller it must have at most two decimals, be non-negative and fit String(16,2);
  parsed from a response (``context={"lenient": True}``, set by :func:`parse_response`) any
  number or numeric string is accepted (binding inquiry sends balances as JSON numbers).
* Timestamps in responses are :class:`SnapTimestamp`: the string exactly as received, with
  :meth:`SnapTimestamp.to_datetime` reading any of the formats gateways use.
* :data:`Quantity` keeps a number as a number and a numeric string as a string.
* Secrets (access tokens, payment tokens) are declared with ``repr=False``.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, ClassVar, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    GetCoreSchemaHandler,
    PlainSerializer,
    SerializationInfo,
    SerializerFunctionWrapHandler,
    StrictInt,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_serializer,
    model_validator,
)
from pydantic.alias_generators import to_camel
from pydantic_core import core_schema

from bisnap.errors import ProtocolError, RequestValidationError, ResponseCode
from bisnap.timestamps import TimestampStyle, format_timestamp, parse_timestamp

__all__ = [
    "LENIENT",
    "Amount",
    "AmountValue",
    "NumberAsText",
    "Quantity",
    "RequiresOneOf",
    "SnapModel",
    "SnapObject",
    "SnapRequest",
    "SnapResponse",
    "SnapTimestamp",
    "build_request",
    "drop_unset",
    "is_lenient",
    "parse_response",
    "require_one_of",
    "validation_error_to_request_error",
]

LENIENT: dict[str, Any] = {"lenient": True}
"""Validation context used for gateway responses: accept the documented anomalies."""

_MAX_AMOUNT_DIGITS = 13  # String(16,2): 13 integer digits, a dot, two decimals


def is_lenient(info: ValidationInfo) -> bool:
    """True while validating a gateway response (see :data:`LENIENT`)."""
    context = info.context
    return isinstance(context, dict) and bool(context.get("lenient"))


# --- base models -------------------------------------------------------------------------------


class SnapModel(BaseModel):
    """Base of every SNAP model: camelCase on the wire, snake_case in Python."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="allow",
        validate_assignment=True,
        arbitrary_types_allowed=False,
    )

    @model_serializer(mode="wrap")
    def _omit_unset_none(
        self, handler: SerializerFunctionWrapHandler, info: SerializationInfo
    ) -> Any:
        data = handler(self)
        if not isinstance(data, dict):
            return data
        fields_set = self.model_fields_set
        for name, keys in _omittable(type(self)):
            if name in fields_set or getattr(self, name, None) is not None:
                continue
            for key in keys:
                data.pop(key, None)
        return self._wire_form(data, info)

    def _wire_form(self, data: dict[str, Any], info: SerializationInfo) -> dict[str, Any]:
        """Last step of serialization, with unset None fields already left out: a model whose
        wire form differs from its fields (a key spelling kept as received...) adjusts it."""
        return data

    def to_wire(self) -> dict[str, Any]:
        """The JSON-ready dict sent on (or received from) the wire, camelCase keys."""
        dumped = self.model_dump(mode="json", by_alias=True)
        assert isinstance(dumped, dict)
        return dumped

    def extra_fields(self) -> dict[str, Any]:
        """Fields the model does not declare, exactly as received."""
        return dict(self.__pydantic_extra__ or {})


_OMITTABLE: dict[type[BaseModel], tuple[tuple[str, tuple[str, ...]], ...]] = {}


def _omittable(model: type[BaseModel]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The fields of ``model`` that can be left out of the wire form, each with the keys it
    may appear under, worked out once per class.

    A field left unset holds its default, so only fields whose default is None (or comes
    from a factory) can be "unset and None"; required fields and fields with a real default
    are always written.
    """
    found = _OMITTABLE.get(model)
    if found is None:
        found = tuple(
            (name, tuple(dict.fromkeys((field.alias or name, name))))
            for name, field in model.model_fields.items()
            if field.default_factory is not None
            or (not field.is_required() and field.default is None)
        )
        _OMITTABLE[model] = found
    return found


class SnapObject(SnapModel):
    """A nested free-form object (``additionalInfo``, ``customerDetails``...): keeps extras."""


class SnapRequest(SnapModel):
    """Base of request bodies: unknown top-level keywords are an error."""

    model_config = ConfigDict(extra="forbid")


def _number_as_text(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


NumberAsText = Annotated[str, BeforeValidator(_number_as_text)]
"""A text field some gateways send as a JSON number (``responseCode``, ``customerNo``...): an
integer is read as its decimal text; anything else is validated as a string."""


class SnapResponse(SnapModel):
    """Base of response bodies: ``responseCode`` and ``responseMessage`` plus whatever came."""

    response_code: NumberAsText  # a code sent as a JSON number is still a code
    response_message: str | None = None

    @property
    def code(self) -> ResponseCode | None:
        """The parsed ``responseCode`` (8-digit sample codes tolerated), or None."""
        return ResponseCode.parse(self.response_code)

    @property
    def is_pending(self) -> bool:
        """``202xx00``: accepted and still being processed; query the status later."""
        code = self.code
        return code is not None and code.is_pending

    @property
    def is_success(self) -> bool:
        code = self.code
        return code is not None and code.is_success


# --- money -------------------------------------------------------------------------------------


def _to_decimal(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError("an amount must be a number, not a boolean")
    if isinstance(value, float):
        # Never trust binary floats for money: go through their shortest repr.
        value = repr(value)
    if isinstance(value, (int, str)):
        try:
            return Decimal(str(value).strip())
        except InvalidOperation:
            raise ValueError(f"{str(value)[:32]!r} is not a decimal amount") from None
    return value


def _format_amount(value: Decimal) -> str:
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        return format(value, "f")  # more precision than SNAP allows: keep it, don't round
    return f"{value:.2f}"


def _check_amount(value: Decimal, info: ValidationInfo) -> Decimal:
    if not value.is_finite():
        raise ValueError("an amount must be a finite number")
    if is_lenient(info):
        return value
    if value < 0:
        raise ValueError("an amount must not be negative")
    if value != value.quantize(Decimal("0.01")):
        raise ValueError(f"{value} has more than two decimals")
    if len(str(int(value))) > _MAX_AMOUNT_DIGITS:
        raise ValueError("an amount has at most 13 digits before the decimal point")
    return value


AmountValue = Annotated[
    Decimal,
    BeforeValidator(_to_decimal),
    AfterValidator(_check_amount),
    PlainSerializer(_format_amount, return_type=str, when_used="always"),
]
"""A ``Decimal`` read from a string or number and written as ``"10000.00"``."""


class Amount(SnapObject):
    """``{"value": "10000.00", "currency": "IDR"}``."""

    value: AmountValue
    currency: str = "IDR"

    @field_validator("currency")
    @classmethod
    def _check_currency(cls, value: str, info: ValidationInfo) -> str:
        if not is_lenient(info) and value != "IDR":
            raise ValueError(f"currency must be IDR, not {value[:8]!r}")
        return value


# --- timestamps --------------------------------------------------------------------------------


class SnapTimestamp(str):
    """A timestamp exactly as the gateway wrote it; :meth:`to_datetime` parses it leniently.

    Accepted forms include ``2024-03-15T10:35:00+07:00``, ``...Z``, fractional seconds,
    no offset (read as Jakarta time), ``yyyy-MM-dd HH:mm:ss`` and ``yyyyMMddHHmmss``.
    """

    __slots__ = ()

    def to_datetime(self) -> datetime:
        """The aware ``datetime``; raises InvalidTimestampError for an unreadable value."""
        return parse_timestamp(str(self))

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        # A caller may give an aware datetime (written as Jakarta time) or an ISO-8601 string
        # with an offset; a response value is kept verbatim whatever its form.
        return core_schema.with_info_plain_validator_function(
            _timestamp_in,
            serialization=core_schema.plain_serializer_function_ser_schema(
                str, return_schema=core_schema.str_schema()
            ),
        )


def _timestamp_in(value: Any, info: ValidationInfo) -> Any:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("a datetime must be timezone-aware")
        return SnapTimestamp(format_timestamp(value, TimestampStyle.JAKARTA))
    if isinstance(value, str):
        if not is_lenient(info):
            try:
                parse_timestamp(value, require_offset=True)
            except ValueError as exc:
                raise ValueError(str(exc)) from None
        return SnapTimestamp(value)
    raise ValueError("a timestamp must be a string or an aware datetime")


# --- quantities --------------------------------------------------------------------------------

_DIGITS = re.compile(r"^\s*\d+\s*$")


def _check_quantity(value: int | str) -> int | str:
    if isinstance(value, str) and not _DIGITS.fullmatch(value):
        raise ValueError(f"{value[:16]!r} is not a whole-number quantity")
    if isinstance(value, int) and value < 0:
        raise ValueError("a quantity must not be negative")
    return value


Quantity = Annotated[StrictInt | str, AfterValidator(_check_quantity)]
"""An item quantity: a JSON number stays a number, a numeric string stays a string (the docs use
both). ``int(quantity)`` works for either."""


# --- building and parsing ----------------------------------------------------------------------

_M = TypeVar("_M", bound=SnapModel)
_R = TypeVar("_R", bound=SnapResponse)


def _location(model: type[BaseModel], loc: tuple[int | str, ...]) -> str:
    """A pydantic error location as the wire path (camelCase), e.g. ``totalAmount.value``."""
    text = ""
    for item in loc:
        if isinstance(item, int):
            text += f"[{item}]"
            continue
        name = item if "_" not in item else to_camel(item)
        text = f"{text}.{name}" if text else name
    return text or model.__name__


def require_one_of(model: BaseModel, *attributes: str) -> None:
    """Raise ValueError unless at least one of ``attributes`` is set (a request rule)."""
    if any(getattr(model, name, None) not in (None, "") for name in attributes):
        return
    names = ", ".join(to_camel(name) for name in attributes)
    raise ValueError(f"one of {names} is required")


class RequiresOneOf(SnapRequest):
    """A request that needs at least one of the fields named in :attr:`one_of` to be set."""

    one_of: ClassVar[tuple[str, ...]] = ()

    @model_validator(mode="after")
    def _one_of_is_set(self) -> RequiresOneOf:
        if self.one_of:
            require_one_of(self, *self.one_of)
        return self


_ONE_OF = re.compile(r"one of (\w+)")


def validation_error_to_request_error(
    model: type[BaseModel], error: ValidationError, *, where: str | None = None
) -> RequestValidationError:
    """Turn a pydantic ValidationError into a RequestValidationError naming the first field.

    An unknown top-level keyword comes first (a misspelt field also makes the real one look
    missing), named with the closest field: ``unknown field 'amout' for qris.generate; did you
    mean 'amount'?`` (``where`` names the operation; the model by default).
    """
    errors = error.errors(include_input=False, include_url=False)
    for problem in errors:
        if problem["type"] == "extra_forbidden" and len(problem["loc"]) == 1:
            return _unknown_field(model, str(problem["loc"][0]), where or model.__name__)
    first = errors[0]
    message = str(first["msg"])
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    loc = tuple(first["loc"])
    one_of = _ONE_OF.search(message)
    field = _location(model, loc) if loc or one_of is None else one_of.group(1)
    if first["type"] == "extra_forbidden":
        message = "is not a field of this request"
    return RequestValidationError(f"{field}: {message}", field=field)


def _unknown_field(model: type[BaseModel], key: str, where: str) -> RequestValidationError:
    close = difflib.get_close_matches(key, list(model.model_fields), n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return RequestValidationError(
        f"unknown field {key!r} for {where}{hint}", field=_location(model, (key,))
    )


def build_request(model: type[_M], request: _M | None = None, /, **fields: Any) -> _M:
    """A validated request: ``request`` as given (re-checked), or built from ``fields``.

    Raises RequestValidationError naming the offending field; nothing is sent.
    """
    return validate_request(model, request, fields, where=model.__name__)


def validate_request(
    model: type[_M], request: _M | None, fields: Mapping[str, Any], *, where: str
) -> _M:
    """:func:`build_request` for an operation: errors name ``where`` (``"qris.generate"``)."""
    if request is not None and fields:
        raise RequestValidationError(
            f"pass either a {model.__name__} or keyword arguments, not both",
            field=next(iter(fields)),
        )
    try:
        if request is None:
            return model.model_validate(fields)
        if not isinstance(request, model):
            raise RequestValidationError(
                f"expected a {model.__name__}, got {type(request).__name__}", field="request"
            )
        # Re-validate: a model can be built with model_construct or mutated in ways that skip
        # validation; nothing unchecked may reach the wire.
        return model.model_validate(request.model_dump(by_alias=True, exclude_unset=True))
    except ValidationError as exc:
        raise validation_error_to_request_error(model, exc, where=where) from None


def parse_response(model: type[_R], data: Any, *, http_status: int | None = None) -> _R:
    """Validate a decoded response body leniently; a body of the wrong shape -> ProtocolError."""
    try:
        return model.model_validate(data, context=LENIENT)
    except ValidationError as exc:
        first = exc.errors(include_input=False, include_url=False)[0]
        where = ".".join(str(part) for part in first["loc"]) or "body"
        raise ProtocolError(
            f"the response does not have the shape of a {model.__name__}: {where}: {first['msg']}",
            http_status=http_status,
        ) from None


def drop_unset(model: BaseModel, data: dict[str, Any], *, defaults_too: bool = False) -> None:
    """Remove from serialized ``data`` the fields of ``model`` that were never set and are None
    (with ``defaults_too``: never set at all), for models that replace the base serializer."""
    fields_set = model.model_fields_set
    for name, field in type(model).model_fields.items():
        if name in fields_set:
            continue
        if defaults_too or getattr(model, name, None) is None:
            data.pop(field.alias or name, None)
            data.pop(name, None)
