"""Hooks between the petition spine and text intelligence. Everything here reads or suggests; nothing decides.

- :func:`routing_suggestions` — top-k categories for a petition (registration and routing screens, API field).
- :func:`fingerprint_petition` — index a registered petition for near-duplicate search (after commit).
- :func:`similar_petitions` — near-identical petitions by anyone (copy-paste campaigns, 联名): propose grouping.
- :func:`repeat_candidates` — the same petitioner's earlier petitions on the same matter: propose a 重复信访 link,
  with the earlier item's state and the Art. 19 ¶3 / 36 ¶3 bar that linking would raise.
- :func:`hot_issues_visible_to` — hot issues among the petitions a user may see (drill-down stays within them).
- :func:`locate_problem` — 问题属地 from the petition's address and text, as a division code.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from xinfang.core import crypto
from xinfang.core.errors import NotPermitted
from xinfang.insight.core import dedup, hot
from xinfang.insight.core.places import Gazetteer, Place
from xinfang.insight.core.records import Message
from xinfang.insight.core.routing import Suggestion, TaxonomyKeywords, TextClassifier, load_model
from xinfang.insight.models import PetitionFingerprint
from xinfang.orgs.models import Role, Unit, User
from xinfang.petitions.models import Category, Petition, Petitioner

_SIGNED = 1 << 63


def routing_model_dir() -> Path:
    """Where ``manage.py routing train`` output is looked for: settings.XINFANG_ROUTING_MODEL, else var/."""
    configured = getattr(settings, "XINFANG_ROUTING_MODEL", "")
    return Path(configured) if configured else Path(settings.BASE_DIR) / "var" / "insight" / "routing"


def petition_message(petition: Petition) -> Message:
    """The petition as a plain record: its title and what it says (诉求 + 事实和理由)."""
    text = "\n".join(p for p in (petition.request, petition.facts_and_reasons, petition.problem_address) if p)
    received = dt.datetime.combine(petition.received_on, dt.time()) if petition.received_on else None
    return Message(id=str(petition.pk), title=petition.title, text=text, time=received)


# --- routing suggestions -------------------------------------------------------------------------------------

_model_lock = threading.Lock()
_model_cache: dict[tuple[str, float], TextClassifier | TaxonomyKeywords] = {}


def _suggester() -> TextClassifier | TaxonomyKeywords:
    """The trained model when there is one (reloaded when retrained), else the cold start from the category tree."""
    directory = routing_model_dir()
    meta = directory / "meta.json"
    key = (str(directory), meta.stat().st_mtime if meta.is_file() else 0.0)
    with _model_lock:
        if key not in _model_cache:
            _model_cache.clear()
            _model_cache[key] = load_model(directory) if meta.is_file() else _cold_start()
        return _model_cache[key]


def _cold_start() -> TaxonomyKeywords:
    rows: list[tuple[str, ...]] = []
    for leaf in Category.objects.filter(children__isnull=True).select_related("parent__parent"):
        chain = [leaf.name]
        node = leaf.parent
        while node is not None:
            chain.insert(0, node.name)
            node = node.parent
        rows.append(tuple(chain))
    return TaxonomyKeywords.from_taxonomy(rows or [("", "", "")], level=1)


def routing_suggestions(petition: Petition, *, k: int = 3) -> list[Suggestion]:
    """The k most likely first-level categories with calibrated confidence, best first (a suggestion only)."""
    return _suggester().suggest([petition_message(petition)], k=k)[0]


def draft_routing_suggestions(title: str, text: str, *, k: int = 3) -> list[Suggestion]:
    """:func:`routing_suggestions` for a petition still being typed at registration."""
    if not (title.strip() or text.strip()):
        return []
    return _suggester().suggest([Message(id="draft", title=title, text=text)], k=k)[0]


@dataclass(frozen=True)
class CategorySuggestion:
    """A suggested first-level category, with the ``Category`` row of that name when the tree has one."""

    label: str
    confidence: float
    category: Category | None


def with_categories(suggestions: Sequence[Suggestion]) -> list[CategorySuggestion]:
    """Attach the first-level ``Category`` of each suggested label (one query)."""
    rows = {c.name: c for c in Category.objects.filter(level=1, name__in=[s.label for s in suggestions])}
    return [CategorySuggestion(s.label, round(float(s.confidence), 4), rows.get(s.label)) for s in suggestions]


@dataclass(frozen=True)
class UnitSuggestion:
    """A unit the petition might go to, and why: ``competent`` — a department whose remit is the suggested
    category (by its name, in the 问题属地 first; ``share`` when the holder sent such petitions there before);
    ``usual`` — where the holder sent petitions of the suggested category before (``share`` of them);
    ``locality`` — the petition department of the 问题属地 (属地管理)."""

    unit: Unit
    reason: str
    share: float | None = None


USUAL_UNIT_DAYS = 365  # how far back "where the holder usually sends this category" looks

# First-level 内容分类 → the cores of the names of the departments whose remit it is (“谁主管、谁负责”, Art. 4).
# Names as in xinfang.orgs.names.ABBREVIATIONS; a category without an entry has no competent department by name.
COMPETENT_NAME_CORES: dict[str, tuple[str, ...]] = {
    "劳动和社会保障": ("人力资源和社会保障", "人社"),
    "城乡建设": ("住房和城乡建设", "住建", "城市管理"),
    "国土资源": ("自然资源",),
    "环境保护": ("生态环境", "环保"),
    "教育文体": ("教育", "体育"),
    "卫生计生": ("卫生健康", "卫健"),
    "交通运输": ("交通运输",),
    "农村农业": ("农业农村",),
    "民政": ("民政",),
    "政法": ("政法委", "公安", "司法"),
    "纪检监察": ("纪委", "监委"),
    "商贸旅游": ("商务", "文化和旅游", "市场监督管理"),
    "经济管理": ("发展和改革", "财政", "市场监督管理"),
    "科技与信息产业": ("科学技术", "工业和信息化"),
}


def _competent_units(holder: Unit, category: str, division: str) -> list[Unit]:
    """Departments in the holder's area whose names say the category is their remit: those of the problem's
    division first, then the holder's own level. One query."""
    cores = COMPETENT_NAME_CORES.get(category, ())
    if not cores:
        return []
    names = Q()
    for core in cores:
        names |= Q(name__contains=core)
    units = list(Unit.objects.active().within(holder.scope_path).filter(names).exclude(pk=holder.pk))
    levels = [d for d in (division, holder.division_code) if d]
    ranked = [u for d in levels for u in units if u.division_code == d]
    return list(dict.fromkeys(ranked))


def unit_suggestions(petition: Petition, category: str, *, k: int = 2) -> list[UnitSuggestion]:
    """Units to route to, following the suggested ``category`` (a first-level name): the departments whose remit
    it is (in the 问题属地, then at the holder's level), then the 属地 petition department below the holder, then
    other units that accepted the holder's petitions of that category over the last year — one aggregate query."""
    from xinfang.core import timeutil
    from xinfang.petitions.selectors import petition_dept_for_division

    holder = petition.current_unit
    found: list[UnitSuggestion] = []
    code = petition.problem_division_code
    if not code:
        place = locate_problem(petition)
        code = place.code if place is not None else ""
    usual: dict[int, float] = {}
    rows: list[Any] = []
    if category:
        since = timeutil.today() - dt.timedelta(days=USUAL_UNIT_DAYS)
        rows = list(
            Petition.objects.filter(
                Q(category__full_name=category) | Q(category__full_name__startswith=category + " / "),
                routed_from_unit=holder,
                handling_unit__isnull=False,
                received_on__gte=since,
            )
            .values("handling_unit")
            .annotate(n=Count("pk"))
            .order_by("-n", "handling_unit")[: k + 1]
        )
        total = sum(r["n"] for r in rows)
        usual = {r["handling_unit"]: round(r["n"] / total, 4) for r in rows}
        competent = _competent_units(holder, category, code)
        competent.sort(key=lambda u: -usual.get(u.pk, 0.0))  # stable: the problem's division stays first on ties
        found += [UnitSuggestion(u, "competent", usual.get(u.pk)) for u in competent[:k]]
    if code:
        dept = petition_dept_for_division(code)
        if dept is not None and dept.pk != holder.pk and dept.is_within(holder.scope_path):
            found.append(UnitSuggestion(dept, "locality"))
    if rows:
        units = Unit.objects.active().in_bulk([r["handling_unit"] for r in rows])
        shown = {u.unit.pk for u in found}
        for r in rows:
            unit = units.get(r["handling_unit"])
            if unit is not None and unit.pk not in shown and len(found) < k + 1:
                found.append(UnitSuggestion(unit, "usual", usual[unit.pk]))
    return found


# --- near duplicates and repeats -----------------------------------------------------------------------------


def _signed(keys: Sequence[int]) -> list[int]:
    """64-bit unsigned band keys as the signed integers a BigIntegerField stores."""
    return [k - (1 << 64) if k >= _SIGNED else k for k in keys]


def _probe(petition: Petition) -> tuple[Any, list[int]]:
    return _probe_message(petition_message(petition))


def _probe_message(message: Message) -> tuple[Any, list[int]]:
    hashes = dedup.shingle_hashes(dedup.document(message.title, message.text))
    keys = dedup.band_keys(dedup.MinHasher().signature(hashes))[0].tolist()
    return hashes, _signed(keys)


def fingerprint_petition(petition: Petition) -> int:
    """Index the petition for near-duplicate search (idempotent); returns the number of band keys written."""
    _, keys = _probe(petition)
    with transaction.atomic():
        PetitionFingerprint.objects.filter(petition=petition).delete()
        PetitionFingerprint.objects.bulk_create(PetitionFingerprint(petition=petition, key=k) for k in set(keys))
    return len(set(keys))


def fingerprint_many(petitions: Sequence[Petition]) -> int:
    """Index many petitions at once (backfill, demo): signatures computed in one vectorised pass, existing keys
    kept (idempotent). Returns the number of band-key rows inserted or already there."""
    if not petitions:
        return 0
    hash_sets = []
    for p in petitions:
        message = petition_message(p)
        hash_sets.append(dedup.shingle_hashes(dedup.document(message.title, message.text)))
    keys = dedup.band_keys(dedup.MinHasher().signatures(hash_sets))
    rows = [
        PetitionFingerprint(petition_id=p.pk, key=k)
        for p, h, row in zip(petitions, hash_sets, keys.tolist(), strict=True)
        if len(h)
        for k in set(_signed(row))
    ]
    PetitionFingerprint.objects.bulk_create(rows, ignore_conflicts=True, batch_size=5000)
    return len(rows)


def fingerprint_after_commit(petition: Petition) -> None:
    """Index a petition registered in the current transaction once it commits (the signal handler in
    ``signals.py``); a failure is logged, never shown to the registrar (``robust``).

    The text is taken now, from the row being inserted, and the keys are added without re-reading the petition or
    deleting earlier keys: a new petition has none. One INSERT in autocommit, its own transaction: no BEGIN and
    COMMIT around it as ``bulk_create`` would send (issue 9, intake under load)."""
    message, petition_id = petition_message(petition), petition.pk

    def run() -> None:
        _, keys = _probe_message(message)
        _insert_keys(petition_id, sorted(set(keys)))

    transaction.on_commit(run, robust=True)


def _insert_keys(petition_id: int, keys: list[int]) -> None:
    """Add these band keys of one petition in one statement (those it already has are kept)."""
    if not keys:
        return
    qn = connection.ops.quote_name
    table, key_column = qn(PetitionFingerprint._meta.db_table), qn("key")
    values = ", ".join(["(%s, %s)"] * len(keys))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (petition_id, {key_column}) VALUES {values} ON CONFLICT DO NOTHING",  # noqa: S608
            [x for key in keys for x in (petition_id, key)],
        )


@dataclass(frozen=True)
class SimilarPetition:
    petition: Petition
    similarity: float
    same_petitioner: bool


def similar_petitions(
    petition: Petition,
    *,
    threshold: float = dedup.DEFAULT_THRESHOLD,
    within: QuerySet[Petition] | None = None,
) -> list[SimilarPetition]:
    """Petitions whose text is near-identical to this one (copy-paste campaigns, 联名, resubmissions), best first.

    One indexed lookup on the band keys, then the similarity is computed exactly on the candidates' texts.
    ``within`` limits the answer, e.g. to ``petitions_visible_to(user)`` when it is shown to a user.
    """
    hashes, keys = _probe(petition)
    if len(hashes) == 0:
        return []
    candidate_ids = (
        PetitionFingerprint.objects.filter(key__in=keys).exclude(petition=petition).values("petition").distinct()
    )
    mine = _identity_keys(petition)
    found = []
    pool = within if within is not None else Petition.objects.all()
    for other in pool.filter(pk__in=candidate_ids).prefetch_related("petitioners"):
        message = petition_message(other)
        score = dedup.similarity(hashes, dedup.shingle_hashes(dedup.document(message.title, message.text)))
        if score >= threshold:
            same = bool(mine & {k for p in other.petitioners.all() for k in _person_keys(p)})
            found.append(SimilarPetition(other, round(score, 4), same))
    found.sort(key=lambda s: (-s.similarity, s.petition.pk))
    return found


def _identity_keys(petition: Petition) -> set[str]:
    from xinfang.petitions.services.repeats import identity_keys

    return identity_keys(petition)


def _person_keys(person: Petitioner) -> set[str]:
    from xinfang.petitions.services.repeats import person_keys

    return person_keys(person)


@dataclass(frozen=True)
class RepeatCandidateInfo:
    """An earlier petition of the same petitioner on the same matter, and what linking it would mean."""

    earlier: Petition
    similarity: float
    matched_on: str  # "id_number" or "phone"
    state: str
    state_label: str
    bar_ground: str  # DeclineGround value ("terminated" → Art. 36 ¶3, "already_handled" → Art. 19 ¶3) or ""
    bar_message: str

    @property
    def bar_article(self) -> str:
        if not self.bar_ground:
            return ""
        from xinfang.petitions.services.bars import bar_article

        return bar_article(self.bar_ground)


def repeat_candidates(
    petition: Petition, *, limit: int = 200, within: QuerySet[Petition] | None = None, top: int | None = None
) -> list[RepeatCandidateInfo]:
    """The same petitioner's earlier petitions on the same matter (重复信访 candidates), most similar first.

    Identity is the 身份证号 or the phone of any of the petition's petitioners (indexed lookups); content is
    compared exactly with :func:`xinfang.insight.core.dedup.repeat_candidates`. For each candidate the spine's own
    :func:`~xinfang.petitions.services.bars.acceptance_bar` is asked, on an unsaved copy linked to the candidate,
    whether Art. 19 ¶3 or Art. 36 ¶3 would bar accepting this petition. ``within`` limits the earlier petitions
    considered (e.g. ``petitions_visible_to(user)`` when they are shown to a user).
    """
    people = list(petition.petitioners.all())
    message = petition_message(petition)
    return _repeat_candidates(
        message.title,
        message.text,
        ids={p.id_number.upper() for p in people if p.id_number},
        phones={p.phone for p in people if p.phone},
        before_pk=petition.pk,
        holder=petition.current_unit,
        limit=limit,
        within=within,
        top=top,
    )


def draft_repeat_candidates(
    *,
    title: str,
    text: str,
    id_numbers: Sequence[str],
    phones: Sequence[str],
    holder: Any,
    within: QuerySet[Petition],
    limit: int = 200,
    top: int | None = None,
) -> list[RepeatCandidateInfo]:
    """:func:`repeat_candidates` for a petition still being typed at registration (nothing saved yet)."""
    return _repeat_candidates(
        title,
        text,
        ids={i.strip().upper() for i in id_numbers if i.strip()},
        phones={p.strip() for p in phones if p.strip()},
        before_pk=None,
        holder=holder,
        limit=limit,
        within=within,
        top=top,
    )


def _repeat_candidates(
    title: str,
    text: str,
    *,
    ids: set[str],
    phones: set[str],
    before_pk: int | None,
    holder: Any,
    limit: int,
    within: QuerySet[Petition] | None,
    top: int | None = None,
) -> list[RepeatCandidateInfo]:
    from xinfang.petitions.services.bars import acceptance_bar
    from xinfang.petitions.workflow import State

    if not ids and not phones:
        return []
    # The columns are encrypted: match the keyed hashes (indexed) instead.
    match = Q(petitioners__id_number_hash__in=crypto.keyed_hashes("id_number", sorted(ids))) | Q(
        petitioners__phone_hash__in=crypto.keyed_hashes("phone", sorted(phones))
    )
    pool = within if within is not None else Petition.objects.all()
    if before_pk is not None:
        pool = pool.filter(pk__lt=before_pk)
    earlier = list(
        pool.filter(match)
        .select_related("current_unit")
        .prefetch_related("petitioners")
        .distinct()
        .order_by("-pk")[:limit]
    )
    by_id = {str(e.pk): e for e in earlier}
    scored = dedup.repeat_candidates(title, text, ((str(e.pk), e.title, petition_message(e).text) for e in earlier))
    scored = scored[:top] if top is not None else scored  # the bar below walks the chain: only for those shown
    result = []
    for cand in scored:
        other = by_id[cand.id]
        matched = (
            "id_number" if any(p.id_number.upper() in ids for p in other.petitioners.all() if p.id_number) else "phone"
        )
        probe = Petition(pk=before_pk, current_unit=holder, previous=other)
        bar = acceptance_bar(probe)
        result.append(
            RepeatCandidateInfo(
                earlier=other,
                similarity=cand.similarity,
                matched_on=matched,
                state=other.state,
                state_label=str(State(other.state).label),
                bar_ground=str(bar[0]) if bar else "",
                bar_message=bar[1] if bar else "",
            )
        )
    return result


# --- everything the staff detail shows -----------------------------------------------------------------------

# States in which routing suggestions matter: the petition still waits to be routed or accepted.
ROUTING_STATES = frozenset({"registered", "pending_acceptance", "disputed"})
SHOWN = 10  # candidates and similar petitions shown at most


@dataclass(frozen=True)
class DraftSuggestions:
    categories: list[CategorySuggestion]
    repeat_candidates: list[RepeatCandidateInfo]


def draft_suggestions(
    user: User, *, title: str, text: str, id_numbers: Sequence[str], phones: Sequence[str]
) -> DraftSuggestions:
    """What the registration screen and ``POST /api/v1/insight/suggestions/`` show while a petition is typed:
    categories for the text and — once a petitioner's ID number or phone is given — their earlier petitions on
    the same matter that ``user`` may see. For registrars only: looking petitions up by a person's ID number or
    phone is a registration step, not a search for anyone else to run."""
    from xinfang.petitions.selectors import petitions_visible_to

    if not user.has_role(Role.REGISTRAR):
        raise NotPermitted(_("Only registrars register petitions."))
    ids = [i for i in id_numbers if i.strip()]
    phone_list = [p for p in phones if p.strip()]
    categories = with_categories(draft_routing_suggestions(title, text))
    repeats: list[RepeatCandidateInfo] = []
    if (ids or phone_list) and (title.strip() or text.strip()):
        repeats = draft_repeat_candidates(
            title=title,
            text=text,
            id_numbers=ids,
            phones=phone_list,
            holder=user.unit,
            within=petitions_visible_to(user),
            top=SHOWN,
        )[:SHOWN]
    return DraftSuggestions(categories, repeats)


@dataclass(frozen=True)
class StaffInsight:
    """What the staff detail of a petition shows (API fields and the workbench page). Suggestions only."""

    categories: list[CategorySuggestion]
    units: list[UnitSuggestion]
    place: Place | None
    repeats: list[RepeatCandidateInfo]
    similar: list[SimilarPetition]


def staff_insight(user: Any, petition: Petition) -> StaffInsight:
    """Routing suggestions (in routing states), 重复信访 candidates and near-identical petitions by others — each
    limited to the petitions ``user`` may see. A handful of indexed queries and one cached model."""
    from xinfang.petitions.selectors import petitions_visible_to

    visible = petitions_visible_to(user)
    categories: list[CategorySuggestion] = []
    units: list[UnitSuggestion] = []
    place = None
    if petition.state in ROUTING_STATES:
        categories = with_categories(routing_suggestions(petition, k=3))
        place = locate_problem(petition)
        units = unit_suggestions(petition, categories[0].label if categories else "")
    repeats = repeat_candidates(petition, within=visible, top=SHOWN)
    similar = [s for s in similar_petitions(petition, within=visible) if not s.same_petitioner][:SHOWN]
    return StaffInsight(categories, units, place, repeats, similar)


# --- hot issues and places -----------------------------------------------------------------------------------


def hot_issues_visible_to(
    user: Any,
    *,
    since: dt.date,
    until: dt.date,
    region: str = "",
    top: int = 20,
    limit: int = 100_000,
) -> list[hot.Issue]:
    """Hot issues among the petitions ``user`` may see received in [since, until]; ``message_ids`` are petition
    ids, all visible to the user (the drill-down needs no further check beyond the usual selector)."""
    from xinfang.petitions.selectors import petitions_visible_to

    petitions = (
        petitions_visible_to(user)
        .filter(received_on__gte=since, received_on__lte=until)
        .only("pk", "title", "request", "facts_and_reasons", "problem_address", "received_on", "head_count")
        .order_by("-pk")[:limit]
    )
    messages = [petition_message(p) for p in petitions]
    return hot.hot_issues(messages, top=top, region=region, gazetteer=gazetteer())


_gazetteer_lock = threading.Lock()
_gazetteer: list[Gazetteer] = []


def gazetteer() -> Gazetteer:
    """The built-in names plus the divisions of the deployment's unit tree ("A1区人民政府" → "A1区")."""
    with _gazetteer_lock:
        if not _gazetteer:
            pairs = []
            for name, code in Unit.objects.filter(name__endswith="人民政府").values_list("name", "division_code"):
                pairs.append((name.removesuffix("人民政府"), code[:6]))
            _gazetteer.append(Gazetteer.default().with_names(pairs))
        return _gazetteer[0]


def locate_problem(petition: Petition) -> Place | None:
    """问题属地 suggested from the address and the text (the registrar confirms it)."""
    return gazetteer().locate(petition.problem_address + petition.title, petition.request + petition.facts_and_reasons)
