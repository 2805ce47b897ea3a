"""Open311 GeoReport v2: the mapping of xinfang's records to the spec's shapes, and the spec's XML.

Pure functions over model instances (no queries of their own beyond the relations the selectors load).

- A service is a content category (内容分类): ``service_code`` = category id, ``group`` = its level-1 name.
- A service request is a petition as the public may see it: 编号, open/closed (the finer state in
  ``status_notes``), category, dates, the unit now holding it and the problem address. Nothing about the
  petitioner, and no accusation at all (``selectors.public_requests`` leaves them out, Art. 30).
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from xml.etree import ElementTree as ET

from django.utils import timezone
from django.utils.translation import gettext as _

from xinfang.petitions.models import Category, Nature, Petition
from xinfang.petitions.workflow import OPEN_STATES

# Service attributes (metadata = true): optional extras a client may send as ``attribute[code]``.
NATURE_VALUES = (Nature.APPEAL, Nature.SUGGESTION, Nature.ACCUSATION)
DIVISION_ATTRIBUTE = "division_code"

# Element names of list items in the spec's XML.
XML_ITEMS = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
}


def w3c(value: dt.datetime | None) -> str | None:
    """A moment in W3C format with the local offset, e.g. ``2026-03-02T10:00:00+08:00``."""
    if value is None:
        return None
    return timezone.localtime(value).isoformat(timespec="seconds")


def _group(category: Category) -> str:
    node = category
    while node.parent_id is not None and node.parent is not None:
        node = node.parent
    return node.name


def service(category: Category) -> dict[str, Any]:
    return {
        "service_code": str(category.pk),
        "service_name": category.name,
        "description": category.full_name,
        "metadata": True,
        "type": "realtime",
        "keywords": None,
        "group": _group(category),
    }


def service_definition(category: Category) -> dict[str, Any]:
    nature_labels = {
        Nature.APPEAL: _("Appeal or demand"),
        Nature.SUGGESTION: _("Suggestion or opinion"),
        Nature.ACCUSATION: _("Report or accusation"),
    }
    return {
        "service_code": str(category.pk),
        "attributes": [
            {
                "variable": True,
                "code": DIVISION_ATTRIBUTE,
                "datatype": "string",
                "required": False,
                "datatype_description": _("6 digits, or 9 for a township (GB/T 2260)."),
                "order": 1,
                "description": _(
                    "Administrative division code of the problem location; it decides the receiving petition "
                    "department. Required unless address_id carries it."
                ),
            },
            {
                "variable": True,
                "code": "title",
                "datatype": "string",
                "required": False,
                "datatype_description": _("At most 200 characters."),
                "order": 2,
                "description": _("A short title; by default the beginning of the description."),
            },
            {
                "variable": True,
                "code": "facts_and_reasons",
                "datatype": "text",
                "required": False,
                "datatype_description": None,
                "order": 3,
                "description": _("Facts and reasons (Art. 19)."),
            },
            {
                "variable": True,
                "code": "nature",
                "datatype": "singlevaluelist",
                "required": False,
                "datatype_description": None,
                "order": 4,
                "description": _(
                    "Kind of matter; by default an appeal or demand. Accusations are never shown in public lists."
                ),
                "values": [{"key": str(v), "name": str(nature_labels[v])} for v in NATURE_VALUES],
            },
        ],
    }


def request_status(petition: Petition) -> str:
    return "open" if petition.state in OPEN_STATES else "closed"


def service_request(petition: Petition) -> dict[str, Any]:
    """What the public may see of a petition; the caller has already excluded accusations."""
    category = petition.category
    return {
        "service_request_id": petition.number,
        "status": request_status(petition),
        "status_notes": str(petition.get_state_display()),
        "service_name": category.name if category is not None else None,
        "service_code": str(category.pk) if category is not None else "",
        "agency_responsible": petition.current_unit.name,
        "service_notice": None,
        "requested_datetime": w3c(petition.registered_at),
        "updated_datetime": w3c(petition.updated_at),
        "expected_datetime": None,
        "address": petition.problem_address or None,
        "address_id": petition.problem_division_code or None,
        "zipcode": None,
        "lat": None,
        "long": None,
        "media_url": None,
    }


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _fill(parent: ET.Element, name: str, value: Any) -> None:
    element = ET.SubElement(parent, name)
    if isinstance(value, list):
        item = XML_ITEMS.get(name, "item")
        for entry in value:
            _fill(element, item, entry)
    elif isinstance(value, dict):
        for key, sub in value.items():
            _fill(element, key, sub)
    else:
        element.text = _text(value)


def to_xml(root: str, data: Any) -> bytes:
    """The spec's XML: ``root`` holds one element per list item (or the fields of a single object)."""
    top = ET.Element(root)
    if isinstance(data, list):
        item = XML_ITEMS.get(root, "item")
        for entry in data:
            _fill(top, item, entry)
    elif isinstance(data, dict):
        for key, value in data.items():
            _fill(top, key, value)
    return bytes(ET.tostring(top, encoding="utf-8", xml_declaration=True))
