"""Who runs the reporting (`units.yaml` `organisation:`): names every text and document uses."""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import Field, ValidationError, model_validator

from cchc_bot.config.base import StrictModel


class Organisation(StrictModel):
    """The organisation, its place, its coordinating office and its document header."""

    # As said in a sentence: "tổng hợp báo cáo của UBND huyện …".
    name: str = Field(min_length=1, max_length=200)
    # The area, mid-sentence: "bot báo cáo cải cách hành chính huyện …"; default: the name.
    short_name: str = Field(default="", max_length=200)
    # The place name written before "ngày … tháng … năm …" and in file names.
    place: str = Field(min_length=1, max_length=100)
    # The office that coordinates the reporting (invites, reminders, returns, exports).
    office: str = Field(min_length=1, max_length=200)
    # Document header (Nghị định 30/2020): the issuer in capitals, by default the name's.
    issuer: str = Field(default="", max_length=200)
    parent: str | None = Field(default=None, max_length=200)
    issuer_code: str = Field(default="UBND", min_length=1, max_length=20)
    signer_authority: str = Field(default="TM. ỦY BAN NHÂN DÂN", max_length=200)
    signer_title: str = Field(default="CHỦ TỊCH", min_length=1, max_length=200)
    signer_name: str = Field(default="", max_length=200)

    @model_validator(mode="before")
    @classmethod
    def _derived_names(cls, data: Any) -> Any:
        """Fill the short name and the issuer from the name when the file leaves them out."""
        if not isinstance(data, dict) or not isinstance(data.get("name"), str):
            return data
        filled = dict(data)
        if not filled.get("short_name"):
            filled["short_name"] = filled["name"]
        if not filled.get("issuer"):
            filled["issuer"] = filled["name"].upper()
        return filled


@functools.cache
def bundled_organisation() -> Organisation:
    """The organisation of the bundled configuration: the default of a file that names none."""
    source = resources.files("cchc_bot") / "bundled" / "units.yaml"
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    return Organisation.model_validate(data["organisation"])


def organisation_of(directory: Path) -> Organisation:
    """The organisation a configuration folder's `units.yaml` names (else the bundled one).

    A file that does not read or validate falls back too: `check-config` reports its problems.
    """
    try:
        data = yaml.safe_load((directory / "units.yaml").read_text(encoding="utf-8"))
        if isinstance(data, dict) and "organisation" in data:
            return Organisation.model_validate(data["organisation"])
    except (OSError, yaml.YAMLError, ValidationError):
        pass
    return bundled_organisation()
