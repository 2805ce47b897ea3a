"""Reading CSV input for the insight commands: errors become CommandError, warnings go to stderr."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, OutputWrapper

from xinfang.insight.core.records import Message, RecordError, read_messages


def read_for_command(path: Path, stderr: OutputWrapper, **kwargs: Any) -> list[Message]:
    """The messages of ``path``; an unusable row stops the command with its line, a skipped one is reported."""
    warnings: list[str] = []
    try:
        messages = read_messages(path, warnings=warnings, **kwargs)
    except RecordError as exc:
        raise CommandError(str(exc)) from exc
    for warning in warnings:
        stderr.write(warning)
    return messages
