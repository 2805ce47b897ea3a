"""SMS gateways for tests: one that always fails, one that fails once and then works."""

from __future__ import annotations

SENT: list[tuple[str, str]] = []


class BrokenGateway:
    def send(self, phone: str, text: str) -> None:
        raise ConnectionError("gateway unreachable")


class FlakyGateway:
    calls = 0

    def send(self, phone: str, text: str) -> None:
        type(self).calls += 1
        if type(self).calls == 1:
            raise TimeoutError("gateway timed out")
        SENT.append((phone, text))


class RecordingGateway:
    """Accepts every message and keeps (phone, text) in ``SENT``."""

    def send(self, phone: str, text: str) -> None:
        SENT.append((phone, text))
