"""The official Bot API method and type list (api.json) and request validation against it."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from cchc_bot.local_bot_api.errors import BotApiError, bad_request

_ARRAY_PREFIX = "Array of "
_PRIMITIVES = frozenset({"Integer", "Float", "Boolean", "String", "InputFile"})
_CONSTANT = re.compile(r'(?:must be|always) "?([a-z_]+)"?')
_INTEGER = re.compile(r"[+-]?\d+")
_TRUE = frozenset({"true", "True", "TRUE", "1"})
_FALSE = frozenset({"false", "False", "FALSE", "0"})

# Fields of an InlineKeyboardButton that do not count as its action.
_BUTTON_LOOKS = frozenset({"text", "icon_custom_emoji_id", "style"})
_BUTTON_URL_SCHEMES = ("http://", "https://", "tg://")
MAX_CALLBACK_DATA_BYTES = 64

# Telegram's own words for some missing parameters; the rest get `parameter "X" is required`.
_MISSING_WORDING: dict[tuple[str, str], str] = {
    ("*", "chat_id"): "chat_id is empty",
    ("*", "latitude"): "latitude is empty",
    ("*", "longitude"): "longitude is empty",
    ("*", "message_id"): "message identifier is not specified",
    ("sendMessage", "text"): "message text is empty",
    ("editMessageText", "text"): "message text is empty",
    ("sendDocument", "document"): "there is no document in the request",
    ("sendPhoto", "photo"): "there is no photo in the request",
    ("sendAudio", "audio"): "there is no audio in the request",
    ("sendVideo", "video"): "there is no video in the request",
    ("sendAnimation", "animation"): "there is no animation in the request",
    ("sendVoice", "voice"): "there is no voice in the request",
    ("sendVideoNote", "video_note"): "there is no video note in the request",
    ("sendSticker", "sticker"): "there is no sticker in the request",
    ("getFile", "file_id"): "invalid file_id",
}

# How error messages name an object being parsed (tdlib's wording where it has one).
_TYPE_LABELS = {
    "InlineKeyboardButton": "inline keyboard button",
    "KeyboardButton": "keyboard button",
    "MessageEntity": "MessageEntity",
    "BotCommand": "BotCommand",
    "BotCommandScope": "BotCommandScope",
    "InputMedia": "InputMedia",
}
_PARAMETER_LABELS = {"reply_markup": "reply keyboard markup", "commands": "commands"}


@dataclass(frozen=True)
class UploadedFile:
    """One file part of a multipart request."""

    filename: str | None
    content_type: str | None
    content: bytes


@dataclass(frozen=True)
class FieldSpec:
    """A parameter of a method or a field of a type."""

    name: str
    types: tuple[str, ...]
    required: bool
    description: str


@dataclass(frozen=True)
class TypeSpec:
    """A Bot API type: its fields, or the subtypes it stands for."""

    name: str
    fields: Mapping[str, FieldSpec]
    subtypes: tuple[str, ...]
    discriminator: tuple[str, str] | None


@dataclass(frozen=True)
class MethodSpec:
    """A Bot API method: its parameters and what it returns."""

    name: str
    fields: Mapping[str, FieldSpec]
    returns: tuple[str, ...]


class _Invalid(Exception):
    """A nested value does not fit its declared type."""

    def __init__(self, detail: str, *, verbatim: bool = False) -> None:
        super().__init__(detail)
        self.detail = detail
        self.verbatim = verbatim
        self.label: str | None = None


def _fields(raw: list[dict[str, Any]] | None) -> dict[str, FieldSpec]:
    return {
        item["name"]: FieldSpec(
            name=item["name"],
            types=tuple(item["types"]),
            required=bool(item["required"]),
            description=str(item.get("description", "")),
        )
        for item in raw or []
    }


def _discriminator(fields: Mapping[str, FieldSpec]) -> tuple[str, str] | None:
    for name in ("type", "status", "source"):
        spec = fields.get(name)
        if spec is not None and (match := _CONSTANT.search(spec.description)):
            return name, match.group(1)
    return None


class ApiSpec:
    """Methods and types of one Bot API version, and the checks a request must pass."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self.version = str(document.get("version", ""))
        self.methods: dict[str, MethodSpec] = {
            name: MethodSpec(
                name=name,
                fields=_fields(raw.get("fields")),
                returns=tuple(raw.get("returns", [])),
            )
            for name, raw in document["methods"].items()
        }
        self.types: dict[str, TypeSpec] = {}
        for name, raw in document["types"].items():
            fields = _fields(raw.get("fields"))
            self.types[name] = TypeSpec(
                name=name,
                fields=fields,
                subtypes=tuple(raw.get("subtypes", [])),
                discriminator=_discriminator(fields),
            )
        self._by_lower_name = {name.lower(): spec for name, spec in self.methods.items()}

    @classmethod
    def bundled(cls) -> ApiSpec:
        """The api.json shipped inside this package (loaded once per process)."""
        return _bundled_spec()

    def method(self, name: str) -> MethodSpec | None:
        """The method called `name`; like Telegram, the name is case-insensitive."""
        return self._by_lower_name.get(name.lower())

    def validate(
        self,
        method: MethodSpec,
        raw: Mapping[str, Any],
        uploads: Mapping[str, UploadedFile],
    ) -> dict[str, Any]:
        """Check a request against the method's parameters and return them typed.

        `raw` holds form or query strings, or JSON values from a JSON body; an empty string
        counts as absent, as it does for Telegram. File parts named like a parameter fill
        that parameter; others stay reachable through `attach://<name>`.
        """
        present = {name: value for name, value in raw.items() if value is not None and value != ""}
        for name in present:
            if name not in method.fields:
                raise bad_request(f'unknown parameter "{name}"')
        for name, spec in method.fields.items():
            if name not in present and "InputFile" in spec.types and name in uploads:
                present[name] = uploads[name]
            if spec.required and name not in present:
                raise bad_request(self._missing(method.name, name))
        return {
            name: self._top_level(method.fields[name], value, uploads)
            for name, value in present.items()
        }

    def _missing(self, method: str, name: str) -> str:
        wording = _MISSING_WORDING.get((method, name)) or _MISSING_WORDING.get(("*", name))
        return wording or f'parameter "{name}" is required'

    def _top_level(self, spec: FieldSpec, value: Any, uploads: Mapping[str, UploadedFile]) -> Any:
        if isinstance(value, UploadedFile):
            if "InputFile" in spec.types:
                return value
            raise bad_request(f'parameter "{spec.name}" must be of type {_or(spec.types)}')
        for type_name in spec.types:
            converted = _primitive(type_name, value)
            if converted is not _NO_MATCH:
                if type_name in ("String", "InputFile") and isinstance(converted, str):
                    return _attached(converted, uploads)
                return converted
        structured = [t for t in spec.types if t not in _PRIMITIVES]
        if not structured:
            raise bad_request(f'parameter "{spec.name}" must be of type {_or(spec.types)}')
        label = _PARAMETER_LABELS.get(spec.name, spec.name.replace("_", " "))
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                raise bad_request(f"can't parse {label} JSON object") from None
        try:
            return self._check_union(tuple(structured), value)
        except _Invalid as error:
            if error.verbatim:
                raise bad_request(error.detail) from None
            raise bad_request(f"can't parse {error.label or label}: {error.detail}") from None

    def _check_union(self, type_names: tuple[str, ...], value: Any) -> Any:
        candidates = list(type_names)
        if isinstance(value, dict):
            candidates = self._narrow(candidates, value)
        first_error: _Invalid | None = None
        for type_name in candidates:
            try:
                return self._check(type_name, value)
            except _Invalid as error:
                if first_error is None:
                    first_error = error
        assert first_error is not None
        raise first_error

    def _narrow(self, candidates: list[str], value: dict[str, Any]) -> list[str]:
        """Order object candidates: a matching discriminator first, then complete ones."""
        specs = [self.types.get(name) for name in candidates]
        discriminated = [spec for spec in specs if spec is not None and spec.discriminator]
        if discriminated and len(discriminated) == len(candidates):
            key = discriminated[0].discriminator[0] if discriminated[0].discriminator else "type"
            if key not in value:
                raise _Invalid(f'Can\'t find field "{key}"')
            matching = [
                spec.name
                for spec in discriminated
                if spec.discriminator is not None and spec.discriminator[1] == value[key]
            ]
            if not matching:
                raise _Invalid(f'unsupported {key} "{value[key]}" specified')
            return matching
        complete = [
            spec.name
            for spec in specs
            if spec is not None
            and all(name in value for name, field in spec.fields.items() if field.required)
        ]
        return complete + [name for name in candidates if name not in complete]

    def _check(self, type_name: str, value: Any) -> Any:
        if type_name.startswith(_ARRAY_PREFIX):
            if not isinstance(value, list):
                raise _Invalid(f"expected an Array of {type_name.removeprefix(_ARRAY_PREFIX)}")
            element = type_name.removeprefix(_ARRAY_PREFIX)
            return [self._check_union((element,), item) for item in value]
        if type_name in _PRIMITIVES:
            if _json_primitive_fits(type_name, value):
                return float(value) if type_name == "Float" else value
            raise _Invalid(f"expected {type_name}")
        spec = self.types.get(type_name)
        if spec is None:
            return value
        if spec.subtypes:
            try:
                return self._check_union(spec.subtypes, value)
            except _Invalid as error:
                error.label = error.label or _TYPE_LABELS.get(type_name)
                raise
        try:
            return self._check_object(spec, value)
        except _Invalid as error:
            error.label = error.label or _TYPE_LABELS.get(type_name)
            raise

    def _check_object(self, spec: TypeSpec, value: Any) -> Any:
        if spec.name == "KeyboardButton" and isinstance(value, str):
            return value
        if not isinstance(value, dict):
            raise _Invalid(f"{spec.name} must be an Object")
        if not spec.fields:
            return value
        for name in value:
            if name not in spec.fields:
                raise _Invalid(f'Unknown field "{name}"')
        checked: dict[str, Any] = {}
        for name, field in spec.fields.items():
            if name not in value:
                if field.required:
                    raise _Invalid(f'Can\'t find field "{name}"')
                continue
            try:
                checked[name] = self._check_union(field.types, value[name])
            except _Invalid as error:
                if error.detail.startswith("expected "):
                    error.detail = f'Field "{name}" must be of type {_or(field.types)}'
                raise
        if spec.name == "InlineKeyboardButton":
            _check_inline_button(checked)
        return checked

    def synthesize(self, type_name: str, depth: int = 0) -> Any:
        """A minimal well-formed value of a type: every required field, filled with defaults."""
        if type_name.startswith(_ARRAY_PREFIX):
            return []
        defaults: dict[str, Any] = {"Integer": 0, "Float": 0.0, "Boolean": True, "String": ""}
        if type_name in defaults:
            return defaults[type_name]
        spec = self.types.get(type_name)
        if spec is None or depth > 6:
            return {}
        if spec.subtypes:
            return self.synthesize(spec.subtypes[0], depth + 1)
        result: dict[str, Any] = {}
        for name, field in spec.fields.items():
            if not field.required:
                continue
            if spec.discriminator and spec.discriminator[0] == name:
                result[name] = spec.discriminator[1]
            elif field.types[0] == "Boolean":
                result[name] = False
            else:
                result[name] = self.synthesize(field.types[0], depth + 1)
        return result


class _NoMatch:
    """Marker: a raw value is not of the tried primitive type."""


_NO_MATCH = _NoMatch()


def _primitive(type_name: str, value: Any) -> Any:
    """Parse a top-level value (a form string or a JSON value) as a primitive type."""
    if type_name == "Integer":
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
            return int(value)
    elif type_name == "Float":
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        if isinstance(value, str):
            try:
                number = float(value)
            except ValueError:
                return _NO_MATCH
            return number if math.isfinite(number) else _NO_MATCH
    elif type_name == "Boolean":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value in _TRUE | _FALSE:
            return value in _TRUE
    elif type_name in ("String", "InputFile"):
        if isinstance(value, str):
            return value
        if type_name == "String" and isinstance(value, int | float) and not isinstance(value, bool):
            # Telegram reads every top-level parameter as text, numbers included.
            return str(value)
    return _NO_MATCH


def _json_primitive_fits(type_name: str, value: Any) -> bool:
    if type_name == "Integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if type_name == "Float":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if type_name == "Boolean":
        return isinstance(value, bool)
    return isinstance(value, str)


def _attached(value: str, uploads: Mapping[str, UploadedFile]) -> str | UploadedFile:
    if value.startswith("attach://"):
        upload = uploads.get(value.removeprefix("attach://"))
        if upload is None:
            raise bad_request("wrong file identifier/HTTP URL specified")
        return upload
    return value


def _check_inline_button(button: Mapping[str, Any]) -> None:
    actions = [name for name in button if name not in _BUTTON_LOOKS]
    if not actions:
        raise _Invalid("Text buttons are unallowed in the inline keyboard")
    if len(actions) > 1:
        raise _Invalid(
            "exactly one of the fields other than text, icon_custom_emoji_id and style "
            f"must be used, found {', '.join(sorted(actions))}"
        )
    if "callback_data" in button:
        size = len(str(button["callback_data"]).encode("utf-8"))
        if not 1 <= size <= MAX_CALLBACK_DATA_BYTES:
            raise _Invalid("BUTTON_DATA_INVALID", verbatim=True)
    if "url" in button and not str(button["url"]).startswith(_BUTTON_URL_SCHEMES):
        raise _Invalid("BUTTON_URL_INVALID", verbatim=True)
    if "web_app" in button:
        problem = web_app_url_problem(str(button["web_app"]["url"]), "inline keyboard button")
        if problem is not None:
            raise _Invalid(problem, verbatim=True)


def web_app_url_problem(url: str, what: str) -> str | None:
    """Telegram's complaint about a Web App URL (only HTTPS links open), or None if it is fine."""
    if url.lower().startswith("https://") and len(url) > len("https://"):
        return None
    return f"{what} Web App URL '{url}' is invalid: Only HTTPS links are allowed"


def _or(types: tuple[str, ...]) -> str:
    return " or ".join(types)


@cache
def _bundled_spec() -> ApiSpec:
    text = (
        resources.files("cchc_bot.local_bot_api").joinpath("api.json").read_text(encoding="utf-8")
    )
    return ApiSpec(json.loads(text))


__all__ = [
    "MAX_CALLBACK_DATA_BYTES",
    "ApiSpec",
    "BotApiError",
    "FieldSpec",
    "MethodSpec",
    "TypeSpec",
    "UploadedFile",
]
