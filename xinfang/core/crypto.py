"""Personal data encrypted at rest, with keyed hashes for exact search (个人信息保护法; 《信访工作条例》Art. 30).

- ``EncryptedTextField`` stores a Fernet token (AES-128-CBC + HMAC-SHA256, from the ``cryptography`` package). The keys
  come from ``settings.FIELD_ENCRYPTION_KEYS`` (``XINFANG_FIELD_KEYS``): the first encrypts, every one decrypts, so a
  key is rotated by putting the new one first and running ``manage.py rotate_field_keys``. An empty value is stored
  as an empty string, so ``exclude(phone="")`` still tells "has a phone" without decrypting.
- Fernet tokens are random, so an encrypted column cannot be searched. ``KeyedHashField`` keeps an HMAC-SHA256 of the
  normalised value (key ``settings.FIELD_HASH_KEY``, ``XINFANG_HASH_KEY``) next to it, filled on every save and
  ``bulk_create``; an exact search by phone or 身份证号 is then one indexed equality on the hash column.
- A lookup on an encrypted column that compares its value (``filter(phone="138…")``, ``__in``, ``__icontains``,
  ``__gt``, …) would compare against a fresh random token and silently match nothing, so it raises ``FieldError``
  when the query is built, naming the field and its keyed hash. Only ``= ""`` (and ``None``) and ``__isnull`` are
  allowed: ``exclude(phone="")`` still means "has a phone".
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import re
from collections.abc import Callable, Sequence
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django import forms
from django.conf import settings
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.core.validators import MaxLengthValidator
from django.db import models, transaction
from django.db.models import lookups


@functools.lru_cache(maxsize=8)
def _multi_fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(k.encode()) for k in keys])


def field_cipher() -> MultiFernet:
    """The cipher for the configured keys (cached per key list, so ``override_settings`` in tests works)."""
    keys = tuple(settings.FIELD_ENCRYPTION_KEYS)
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is empty: set XINFANG_FIELD_KEYS")
    return _multi_fernet(keys)


def encrypt(plain: str) -> str:
    """A Fernet token for ``plain`` under the first key; ``""`` stays ``""``."""
    if not plain:
        return plain
    return field_cipher().encrypt(plain.encode()).decode("ascii")


def decrypt(token: str) -> str:
    """The plain text of a token made under any configured key; ``""`` stays ``""``."""
    if not token:
        return token
    try:
        return field_cipher().decrypt(token.encode("ascii")).decode()
    except (InvalidToken, UnicodeEncodeError) as exc:
        raise ImproperlyConfigured(
            "An encrypted column cannot be decrypted with XINFANG_FIELD_KEYS: a key is missing from the list "
            "(keep old keys until `manage.py rotate_field_keys` has run) or the row was never encrypted."
        ) from exc


def is_token_of_current_keys(token: str) -> bool:
    try:
        field_cipher().decrypt(token.encode("ascii"))
    except (InvalidToken, UnicodeEncodeError):
        return False
    return True


# ------------------------------------------------------------------------------------------ keyed hashes


def normalise_phone(value: str) -> str:
    """Digits only (no dashes or spaces); a leading +86/86 country code is dropped from a mobile number."""
    digits = re.sub(r"\D", "", value or "")
    if len(digits) == 13 and digits.startswith("861"):
        digits = digits[2:]
    return digits


def normalise_id_number(value: str) -> str:
    """身份证号 upper-case (the check character X), surrounding blanks dropped."""
    return (value or "").strip().upper()


NORMALISERS: dict[str, Callable[[str], str]] = {"phone": normalise_phone, "id_number": normalise_id_number}


@functools.lru_cache(maxsize=8)
def _hmac_base(key: str) -> hmac.HMAC:
    return hmac.new(key.encode(), digestmod=hashlib.sha256)


def keyed_hash(kind: str, value: str) -> str:
    """HMAC-SHA256 (hex) of the normalised value, separated by kind; ``""`` for an empty value."""
    normalised = NORMALISERS[kind](value)
    if not normalised:
        return ""
    mac = _hmac_base(settings.FIELD_HASH_KEY).copy()
    mac.update(f"{kind}:{normalised}".encode())
    return mac.hexdigest()


def phone_hash(value: str) -> str:
    return keyed_hash("phone", value)


def id_number_hash(value: str) -> str:
    return keyed_hash("id_number", value)


def keyed_hashes(kind: str, values: Sequence[str]) -> set[str]:
    """The non-empty hashes of several values (for ``__in`` lookups)."""
    return {h for h in (keyed_hash(kind, v) for v in values) if h}


# ------------------------------------------------------------------------------------------ model fields


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    """A text column holding a Fernet token; Python code sees the plain value.

    ``max_length`` (if given) is checked on the plain value by ``full_clean`` and forms; the column itself is
    unbounded text because the token is longer than the value. Only ``= ''`` / ``isnull`` lookups are meaningful:
    search through the matching ``KeyedHashField``.
    """

    description = "Text encrypted at rest"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.max_length is not None:
            self.validators.append(MaxLengthValidator(self.max_length))

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None:
            return value
        return decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(str(value))

    def formfield(self, **kwargs: Any) -> Any:
        # A one-line input like the CharField it replaces, not TextField's textarea.
        defaults: dict[str, Any] = {"form_class": forms.CharField, "max_length": self.max_length}
        return models.Field.formfield(self, **(defaults | kwargs))


class KeyedHashField(models.CharField):  # type: ignore[type-arg]
    """HMAC of another field of the same model (``source``), normalised by ``kind`` ("phone" or "id_number")."""

    description = "Keyed hash of another field"

    def __init__(self, *args: Any, source: str, kind: str, **kwargs: Any) -> None:
        if kind not in NORMALISERS:
            raise ValueError(f"KeyedHashField kind must be one of {sorted(NORMALISERS)}")
        self.source = source
        self.kind = kind
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        kwargs["kind"] = self.kind
        for key, default in (("max_length", 64), ("editable", False), ("blank", True), ("default", "")):
            if kwargs.get(key, default) == default:
                kwargs.pop(key, None)
        return name, path, args, kwargs

    def pre_save(self, model_instance: models.Model, add: bool) -> str:
        value = keyed_hash(self.kind, getattr(model_instance, self.source) or "")
        setattr(model_instance, self.attname, value)
        return value


# ------------------------------------------------------------------------------- lookups on encrypted columns


def encrypted_lookup_error(field: Any, lookup_name: str) -> FieldError:
    """The error for a ``lookup_name`` comparison on the encrypted ``field``: names the field and how to search it."""
    model = getattr(field, "model", None)
    name = str(getattr(field, "name", "") or "?")
    label = f"{model._meta.label}.{name}" if model is not None else name
    hashes = (
        [f for f in model._meta.concrete_fields if isinstance(f, KeyedHashField) and f.source == name]
        if model is not None
        else []
    )
    if hashes:
        how = (
            f"Search through its keyed hash (KeyedHashField) instead: "
            f"{hashes[0].name}=crypto.keyed_hash({hashes[0].kind!r}, value)"
        )
    else:
        how = (
            "It has no keyed hash to search by: add a KeyedHashField (source=" + repr(name) + ", see "
            "xinfang.core.crypto) if it must be searched, e.g. as Petitioner.phone_hash is for Petitioner.phone"
        )
    return FieldError(
        f"{label} is encrypted at rest (a random Fernet token per value), so the lookup "
        f'{name}__{lookup_name} would never match. {how}. Only {name}="" and {name}__isnull work on the column.'
    )


class EncryptedLookupGuard(lookups.Lookup):
    """Refuses, at query-building time, a lookup that would compare an encrypted column with a value."""

    def __init__(self, lhs: Any, rhs: Any) -> None:
        if not self.allows(rhs):
            raise encrypted_lookup_error(getattr(lhs, "output_field", None), str(self.lookup_name))
        super().__init__(lhs, rhs)

    def allows(self, rhs: Any) -> bool:
        return False


class EncryptedExact(EncryptedLookupGuard, lookups.Exact):
    """``= ""`` is stored unencrypted ("has no value"); ``= None`` becomes ``isnull`` (Django's own rewrite)."""

    def allows(self, rhs: Any) -> bool:
        return rhs is None or (isinstance(rhs, str) and rhs == "")


class EncryptedIExact(EncryptedLookupGuard, lookups.IExact):
    def allows(self, rhs: Any) -> bool:
        return rhs is None  # rewritten to isnull by Django before it is compiled


_REFUSED: tuple[type[lookups.Lookup], ...] = (
    lookups.In,
    lookups.Contains,
    lookups.IContains,
    lookups.StartsWith,
    lookups.IStartsWith,
    lookups.EndsWith,
    lookups.IEndsWith,
    lookups.Regex,
    lookups.IRegex,
    lookups.GreaterThan,
    lookups.GreaterThanOrEqual,
    lookups.LessThan,
    lookups.LessThanOrEqual,
    lookups.Range,
)

EncryptedTextField.register_lookup(EncryptedExact)
EncryptedTextField.register_lookup(EncryptedIExact)
for _base in _REFUSED:
    EncryptedTextField.register_lookup(type(f"Encrypted{_base.__name__}", (EncryptedLookupGuard, _base), {}))


# ------------------------------------------------------------------------------------------ whole tables


def reseal_table(
    connection: Any,
    table: str,
    columns: Sequence[str],
    *,
    hashes: dict[str, tuple[str, str]] | None = None,
    accept_plain: bool = False,
    decrypt_to_plain: bool = False,
    batch_size: int = 1000,
) -> int:
    """Re-encrypt every row of ``table`` under the first key, in primary-key batches of ``batch_size``.

    ``columns`` are the encrypted columns; ``hashes`` maps a hash column to (kind, source column) and is recomputed
    from the plain value. With ``accept_plain`` a value that is not a token of any configured key is taken as plain
    text (the data migration that encrypts existing rows); otherwise such a value stops the run. With
    ``decrypt_to_plain`` the columns are written back in plain text (the reverse migration). Raw SQL, so it works on
    historical models and never double-encrypts. Returns the number of rows rewritten.
    """
    hashes = hashes or {}
    cipher = field_cipher()
    qn = connection.ops.quote_name
    selected = ", ".join(qn(c) for c in ["id", *columns])
    assignments = ", ".join(f"{qn(c)} = %s" for c in [*columns, *hashes])
    select_sql = f"SELECT {selected} FROM {qn(table)} WHERE id > %s ORDER BY id LIMIT %s"  # noqa: S608 - our names
    if connection.features.has_select_for_update:
        select_sql += " FOR UPDATE"  # a row saved by the app meanwhile waits for the batch; no stale write-back
    update_sql = f"UPDATE {qn(table)} SET {assignments} WHERE id = %s"  # noqa: S608 - our names
    flags = (accept_plain, decrypt_to_plain)
    done = 0
    last = 0
    while True:
        with transaction.atomic(using=connection.alias):
            rows = _reseal_batch(connection, cipher, select_sql, update_sql, columns, hashes, last, batch_size, flags)
        if not rows:
            return done
        done += rows[0]
        last = rows[1]


def _reseal_batch(
    connection: Any,
    cipher: MultiFernet,
    select_sql: str,
    update_sql: str,
    columns: Sequence[str],
    hashes: dict[str, tuple[str, str]],
    last: int,
    batch_size: int,
    flags: tuple[bool, bool],
) -> tuple[int, int] | None:
    accept_plain, decrypt_to_plain = flags
    with connection.cursor() as cursor:
        cursor.execute(select_sql, [last, batch_size])
        rows = cursor.fetchall()
    if not rows:
        return None
    params = []
    for pk, *stored in rows:
        plain = {}
        sealed = []
        for column, value in zip(columns, stored, strict=True):
            value = value or ""
            text = _open(cipher, value, accept_plain=accept_plain)
            plain[column] = text
            if decrypt_to_plain or not text:
                sealed.append(text)
            else:
                sealed.append(cipher.encrypt(text.encode()).decode("ascii"))
        digests = [keyed_hash(kind, plain[source]) for kind, source in hashes.values()]
        params.append([*sealed, *digests, pk])
    with connection.cursor() as cursor:
        cursor.executemany(update_sql, params)
    return len(rows), rows[-1][0]


def _open(cipher: MultiFernet, value: str, *, accept_plain: bool) -> str:
    if not value:
        return value
    try:
        return cipher.decrypt(value.encode("ascii")).decode()
    except (InvalidToken, UnicodeEncodeError):
        if accept_plain:
            return value
        raise ImproperlyConfigured(
            "A stored value is not a token of any key in XINFANG_FIELD_KEYS: add the old key to the list (after the "
            "new one) and run the rotation again."
        ) from None


def encrypted_models() -> list[type[models.Model]]:
    from django.apps import apps

    return [m for m in apps.get_models() if any(isinstance(f, EncryptedTextField) for f in m._meta.concrete_fields)]


def reseal_model(model: type[models.Model], connection: Any, **options: Any) -> int:
    """``reseal_table`` for a model (also a historical one in a migration): its encrypted and hash columns."""
    fields = model._meta.concrete_fields
    columns = [str(f.column) for f in fields if isinstance(f, EncryptedTextField)]
    by_name = {f.name: str(f.column) for f in fields}
    hashes = {str(f.column): (f.kind, by_name[f.source]) for f in fields if isinstance(f, KeyedHashField)}
    return reseal_table(connection, model._meta.db_table, columns, hashes=hashes, **options)
