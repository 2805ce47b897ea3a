"""``{% load punctuation %}`` … ``{% translate "Where" %}{% colon %}…``: see ``xinfang.core.punctuation``."""

from __future__ import annotations

from django import template

from xinfang.core import punctuation

register = template.Library()


@register.simple_tag
def colon() -> str:
    return punctuation.colon()


@register.simple_tag
def semicolon() -> str:
    return punctuation.semicolon()
