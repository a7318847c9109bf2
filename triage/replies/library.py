"""Template model, loader and renderer."""

from __future__ import annotations

import dataclasses
import datetime as dt
import string
from pathlib import Path
from typing import Dict, Iterable, List, Mapping, Tuple

import yaml

from triage.errors import ConfigError, TemplateError

SURFACES = ("public_comment", "private_message")
ALLOWED_VARIABLES = frozenset({"org_name", "org_phone", "portal_url", "case_ref"})
_REQUIRED = ("id", "key", "category", "surface", "text", "version", "approved_by",
             "approved_on", "review_due")


def variables_of(text: str) -> List[str]:
    """The `{name}` fields a template text uses."""
    return [field for _, field, _, _ in string.Formatter().parse(text) if field is not None]


@dataclasses.dataclass(frozen=True)
class Template:
    id: str
    key: str
    category: str
    surface: str
    text: str
    version: int
    approved_by: str
    approved_on: dt.date
    review_due: dt.date

    @property
    def variables(self) -> List[str]:
        return variables_of(self.text)

    def is_current(self, today: dt.date) -> bool:
        """Approved (someone signed, on or before today) and not past its review date."""
        return bool(self.approved_by.strip()) and self.approved_on <= today < self.review_due


@dataclasses.dataclass(frozen=True)
class Rendered:
    """A reply ready to send: the text plus where it came from, for the audit trail."""

    template_id: str
    template_version: int
    surface: str
    text: str


def _date(value: object, field: str, template_id: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise ConfigError(f"template {template_id}: {field} is not a date") from exc


def _template(raw: Mapping) -> Template:
    template_id = str(raw.get("id", "?"))
    missing = [name for name in _REQUIRED if raw.get(name) in (None, "")]
    if missing:
        raise ConfigError(f"template {template_id}: missing {', '.join(missing)}")
    if raw["surface"] not in SURFACES:
        raise ConfigError(f"template {template_id}: unknown surface {raw['surface']!r}")
    try:
        version = int(raw["version"])
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"template {template_id}: version must be an integer") from exc
    return Template(
        id=template_id,
        key=str(raw["key"]),
        category=str(raw["category"]),
        surface=str(raw["surface"]),
        text=str(raw["text"]),
        version=version,
        approved_by=str(raw["approved_by"]),
        approved_on=_date(raw["approved_on"], "approved_on", template_id),
        review_due=_date(raw["review_due"], "review_due", template_id),
    )


class TemplateLibrary:
    """All templates, indexed by id and by (key, surface)."""

    def __init__(self, templates: Iterable[Template]) -> None:
        self.templates: Tuple[Template, ...] = tuple(templates)
        self._by_id: Dict[str, Template] = {}
        self._by_key: Dict[Tuple[str, str], Template] = {}
        for template in self.templates:
            if template.id in self._by_id:
                raise ConfigError(f"duplicate template id {template.id}")
            if (template.key, template.surface) in self._by_key:
                raise ConfigError(f"duplicate template {template.key} for {template.surface}")
            self._by_id[template.id] = template
            self._by_key[(template.key, template.surface)] = template

    def get(self, key: str, surface: str) -> Template:
        try:
            return self._by_key[(key, surface)]
        except KeyError:
            raise TemplateError(f"no approved template {key!r} for {surface}") from None

    def has(self, key: str, surface: str) -> bool:
        return (key, surface) in self._by_key

    def by_id(self, template_id: str) -> Template:
        try:
            return self._by_id[template_id]
        except KeyError:
            raise TemplateError(f"unknown template id {template_id!r}") from None

    def render(
        self,
        key: str,
        surface: str,
        variables: Mapping[str, str],
        today: dt.date,
    ) -> Rendered:
        """Render a current template; refuses expired templates and unknown variables."""
        template = self.get(key, surface)
        if not template.is_current(today):
            raise TemplateError(f"template {template.id} is not approved for use on {today}")
        unknown = set(variables) - ALLOWED_VARIABLES
        if unknown:
            raise TemplateError(f"variables not allowed: {sorted(unknown)}")
        needed = set(template.variables)
        absent = needed - set(variables)
        if absent:
            raise TemplateError(f"template {template.id} needs {sorted(absent)}")
        text = template.text.format_map({name: variables[name] for name in needed})
        return Rendered(template.id, template.version, template.surface, text)


def load_library(path: Path) -> TemplateLibrary:
    """Load the library file; structural problems raise ConfigError."""
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read templates {path}: {exc}") from exc
    if not isinstance(raw, dict) or not isinstance(raw.get("templates"), list):
        raise ConfigError(f"templates file {path} has no 'templates' list")
    return TemplateLibrary(_template(item) for item in raw["templates"])
