"""Signals the petitions app sends where Django's model signals do not fire.

``events_bulk_created`` — sent by a service that writes timeline events with ``bulk_create`` (no ``post_save`` per
row), inside the transaction that wrote them, with ``events``: the ``PetitionEvent`` rows, primary keys set. Today
the sender is the sweep that closes petitions whose 复查/复核 window passed (``services/sweeps.py``). The apps above
(notify: the petitioner's message) listen to it, so petitions imports none of them; a receiver that acts outside
the database defers with ``transaction.on_commit`` as it would for ``post_save``.
"""

from __future__ import annotations

from django.dispatch import Signal

events_bulk_created = Signal()
