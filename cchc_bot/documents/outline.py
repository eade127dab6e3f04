"""The report outline as data (`report_outline.yaml`): sections, sentences, recipients, signer."""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import Field, ValidationError

from cchc_bot.config.base import StrictModel
from cchc_bot.config.documents import Document, read_document
from cchc_bot.config.issues import (
    TOP_LEVEL_ENTRY,
    ConfigIssue,
    ConfigurationError,
    Loc,
    pydantic_message,
)
from cchc_bot.config.loading import load_configuration
from cchc_bot.config.organisation import Organisation, bundled_organisation, organisation_of
from cchc_bot.config.questionnaire import IndicatorType, Questionnaire
from cchc_bot.ops.settings import bundled_config_dir
from cchc_bot.texts import documents as words

OUTLINE_FILE = "report_outline.yaml"

# `{tthc_02}`, `{tthc_04.percent}`: an indicator and, optionally, which of its figures.
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
PLACEHOLDER_NAME = re.compile(r"^([a-z][a-z0-9_]*)(?:\.([a-z_]+))?$")
FIELDS = frozenset(
    {"value", "numerator", "denominator", "percent", "change", "reported", "expected", "target"}
)
RATIO_FIELDS = frozenset({"numerator", "denominator", "percent"})
GLOBAL_NAMES = frozenset({"period", "office", "issuer", "place", "previous", "organisation"})


class UnitKindHeader(StrictModel):
    """How a unit of one kind heads and signs its own report."""

    parent: str | None = None
    issuer: str = "{name}"
    code: str = ""
    signer_authority: str = ""
    signer_title: str = words.UNIT_SIGNER_TITLE


class UnitReportOutline(StrictModel):
    """The unit's own report: its recipients and, per unit kind, its header and signer."""

    intro: str = words.UNIT_INTRO
    recipients: list[str] = Field(default_factory=lambda: [words.UNIT_RECIPIENT])
    kinds: dict[str, UnitKindHeader] = Field(default_factory=dict)
    # Send the report to the chat once a submission is accepted, right after the receipt (and a
    # PDF beside it, where LibreOffice is installed), for the head to sign and send back.
    send_on_submit: bool = True
    pdf: bool = True

    def header_for(self, kind: str) -> UnitKindHeader:
        """The header of a unit kind (a kind the outline does not name gets the default)."""
        return self.kinds.get(kind, UnitKindHeader())


class Part(StrictModel):
    """One numbered part of a section: its indicators, sentences, text answers, placeholder."""

    title: str | None = None
    # A questionnaire section (code) whose indicators all belong to this part.
    section: str | None = None
    indicators: list[str] = Field(default_factory=list)
    sentences: list[str] = Field(default_factory=list)
    texts: list[str] = Field(default_factory=list)
    placeholder: str | None = None

    def indicator_ids(self, questionnaire: Questionnaire) -> list[str]:
        """The part's indicators: those of its questionnaire section, then those it names."""
        ids = [
            indicator.id
            for section in questionnaire.sections
            if section.code == self.section
            for indicator in section.indicators
        ]
        return ids + [indicator_id for indicator_id in self.indicators if indicator_id not in ids]


class OutlineSection(StrictModel):
    """One section of the report (I. ... V.), in order."""

    code: str = Field(pattern=r"^[A-Z][A-Z0-9_]*$", max_length=20)
    title: str = Field(min_length=1)
    submissions: bool = False
    # The plan annex's tasks (tasks.yaml) done / late / not started; nothing without the file.
    tasks: bool = False
    parts: list[Part] = Field(default_factory=list)


class ReportOutline(StrictModel):
    """The whole `report_outline.yaml`."""

    # Not written in the file: the configuration's `units.yaml` `organisation:` (one source).
    organisation: Organisation = Field(default_factory=bundled_organisation)
    kind: str = words.KIND
    title: str = words.TITLE
    intro: str = ""
    recipients: list[str] = Field(default_factory=list)
    archive: str = words.ARCHIVE
    sections: list[OutlineSection] = Field(min_length=1)
    annex_title: str = words.ANNEX_TITLE
    unit_report: UnitReportOutline = Field(default_factory=UnitReportOutline)

    def templates(self) -> list[tuple[Loc, str]]:
        """Every sentence template with its path in the file."""
        found: list[tuple[Loc, str]] = [(("title",), self.title), (("intro",), self.intro)]
        found.append((("unit_report", "intro"), self.unit_report.intro))
        for s, section in enumerate(self.sections):
            for p, part in enumerate(section.parts):
                for n, sentence in enumerate(part.sentences):
                    found.append((("sections", s, "parts", p, "sentences", n), sentence))
        return found


def outline_directory(config_dir: Path) -> Path:
    """The folder whose outline is used: the configuration's, else the bundled one."""
    return config_dir if (Path(config_dir) / OUTLINE_FILE).is_file() else bundled_config_dir()


def load_outline(
    config_dir: Path,
    questionnaire: Questionnaire | None = None,
    organisation: Organisation | None = None,
) -> ReportOutline:
    """Read and validate the outline of a configuration folder; raise OutlineError on issues.

    A folder without its own outline gets the bundled one, checked for its form only: the
    bundled ids need not be the folder's, and a sentence whose figures are missing is left out.
    The names come from the folder's `units.yaml` (`organisation:`) unless given.
    """
    directory = outline_directory(config_dir)
    own = Path(directory) == Path(config_dir)
    issues, outline = _check(directory, questionnaire if own else None)
    if issues or outline is None:
        raise OutlineError(issues)
    names = organisation if organisation is not None else organisation_of(Path(config_dir))
    return outline.model_copy(update={"organisation": names})


def check_outline(config_dir: Path, questionnaire: Questionnaire | None) -> list[ConfigIssue]:
    """Every problem of the folder's `report_outline.yaml` (none when the folder has none)."""
    if not (Path(config_dir) / OUTLINE_FILE).is_file():
        return []
    return _check(Path(config_dir), questionnaire)[0]


def check_outline_of(config_dir: Path) -> list[ConfigIssue]:
    """check-config's view: the folder's outline, checked against its questionnaire if valid."""
    try:
        questionnaire: Questionnaire | None = load_configuration(config_dir).questionnaire
    except ConfigurationError:
        questionnaire = None
    return check_outline(config_dir, questionnaire)


class OutlineError(Exception):
    """The report outline has problems; each names file, line, entry and field."""

    def __init__(self, issues: list[ConfigIssue]) -> None:
        self.issues = issues
        super().__init__("; ".join(str(issue) for issue in issues))


def _check(
    directory: Path, questionnaire: Questionnaire | None
) -> tuple[list[ConfigIssue], ReportOutline | None]:
    issues: list[ConfigIssue] = []
    document = read_document(directory, OUTLINE_FILE, issues)
    if document is None:
        return issues, None
    data = document.data
    if isinstance(data, dict) and "organisation" in data:
        # The names have one home, units.yaml; an older outline still carrying them is told so.
        message = "the organisation's names moved to units.yaml (its organisation: block)"
        issues.append(_issue(document, ("organisation",), message))
        data = {key: value for key, value in data.items() if key != "organisation"}
    try:
        outline = ReportOutline.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            loc = tuple(error["loc"])
            issues.append(_issue(document, loc, pydantic_message(error, ReportOutline)))
        return [*document.issues, *issues], None
    issues.extend(document.issues)
    if questionnaire is not None:
        issues.extend(_check_references(document, outline, questionnaire))
    issues.sort(key=lambda issue: issue.line or 0)
    return issues, (None if issues else outline)


def _check_references(
    document: Document, outline: ReportOutline, questionnaire: Questionnaire
) -> list[ConfigIssue]:
    indicators = questionnaire.by_id()
    issues: list[ConfigIssue] = []
    seen: dict[str, int] = {}
    for s, section in enumerate(outline.sections):
        if section.code in seen:
            issues.append(_issue(document, ("sections", s, "code"), "duplicate section code"))
        seen[section.code] = s
        for p, part in enumerate(section.parts):
            codes = {known.code for known in questionnaire.sections}
            if part.section is not None and part.section not in codes:
                loc_section: Loc = ("sections", s, "parts", p, "section")
                message = f"unknown questionnaire section {part.section!r}"
                issues.append(_issue(document, loc_section, message))
            for key, ids in (("indicators", part.indicators), ("texts", part.texts)):
                for n, indicator_id in enumerate(ids):
                    loc: Loc = ("sections", s, "parts", p, key, n)
                    found = indicators.get(indicator_id)
                    if found is None:
                        issues.append(_issue(document, loc, f"unknown indicator {indicator_id!r}"))
                    elif key == "texts" and found.type is not IndicatorType.TEXT:
                        issues.append(
                            _issue(document, loc, f"{indicator_id!r} is not a text question")
                        )
    for loc, template in outline.templates():
        for message in placeholder_problems(template, questionnaire):
            issues.append(_issue(document, loc, message))
    return issues


def placeholder_problems(template: str, questionnaire: Questionnaire) -> list[str]:
    """What is wrong with a template's `{...}` placeholders (an unknown tag has no data)."""
    indicators = questionnaire.by_id()
    problems: list[str] = []
    if template.count("{") != template.count("}"):
        problems.append("unbalanced { } in the template")
    for match in PLACEHOLDER.finditer(template):
        tag = match.group(1).strip()
        if tag in GLOBAL_NAMES:
            continue
        parsed = PLACEHOLDER_NAME.match(tag)
        if parsed is None:
            problems.append(f"placeholder {{{tag}}} is not an indicator id or a known name")
            continue
        name, figure = parsed.group(1), parsed.group(2)
        indicator = indicators.get(name)
        if indicator is None:
            problems.append(f"placeholder {{{tag}}}: unknown indicator {name!r}, no data for it")
        elif figure is not None and figure not in FIELDS:
            problems.append(f"placeholder {{{tag}}}: unknown field {figure!r}")
        elif figure in RATIO_FIELDS and indicator.type is not IndicatorType.RATIO:
            problems.append(f"placeholder {{{tag}}}: {name} is not a ratio")
        elif indicator.type is IndicatorType.TEXT:
            problems.append(f"placeholder {{{tag}}}: {name} is a text question, not a figure")
    return problems


def _issue(document: Document, loc: Loc, message: str) -> ConfigIssue:
    entry, field = _entry_and_field(document, loc)
    return ConfigIssue(OUTLINE_FILE, entry, field, message, document.line_of(loc))


def _entry_and_field(document: Document, loc: Loc) -> tuple[str, str]:
    if len(loc) >= 2 and loc[0] == "sections" and isinstance(loc[1], int):
        raw = document.raw(loc[:2])
        code = raw.get("code") if isinstance(raw, dict) else None
        entry = f"section {code}" if isinstance(code, str) else f"sections[{loc[1]}]"
        return entry, _dotted(loc[2:])
    if len(loc) <= 1:
        return TOP_LEVEL_ENTRY, _dotted(loc)
    return str(loc[0]), _dotted(loc[1:])


def _dotted(loc: Loc) -> str:
    text = ""
    for step in loc:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else str(step))
    return text
