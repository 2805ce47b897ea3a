"""The only tags and filters a document template may use: the builtins of the restricted engine.

Admin-edited text is code that runs on the server, so it gets an allow-list rather than Django's defaults:
no ``{% include %}``/``{% extends %}`` (they read files), no ``{% load %}`` (it would pull in any installed
library), no ``{% debug %}`` (it dumps the context and ``sys.modules``), no ``{% url %}``/``{% csrf_token %}``
(meaningless in a .docx). What remains is enough for conditional wording and lists.
"""

from __future__ import annotations

from django.template import Library, defaultfilters, defaulttags

register = Library()

ALLOWED_TAGS = ("if", "for", "with", "comment", "firstof")
ALLOWED_FILTERS = (
    "default",
    "default_if_none",
    "length",
    "join",
    "first",
    "last",
    "slice",
    "add",
    "yesno",
    "cut",
    "truncatechars",
    "upper",
    "lower",
)

# Copy the compiled functions (with their is_safe/needs_autoescape flags) from Django's own libraries.
for _name in ALLOWED_TAGS:
    register.tag(_name, defaulttags.register.tags[_name])
for _name in ALLOWED_FILTERS:
    register.filters[_name] = defaultfilters.register.filters[_name]
