"""Small template helpers of the portal: picker fields chosen by name, article references."""

from __future__ import annotations

from typing import Any

from django import forms, template

from xinfang.core.articles import article_text

register = template.Library()


@register.filter
def bound(form: forms.Form, name: str) -> forms.BoundField:
    """``{{ form|bound:"city" }}`` — the bound field of that name."""
    return form[name]


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    """``{{ options|get_item:"city" }}`` — a dict entry whose key is in a variable."""
    return mapping.get(key)


@register.filter
def article(code: str) -> str:
    """``{{ "Art. 35"|article }}`` — an article reference in the reader's language (第三十五条)."""
    return article_text(code)
