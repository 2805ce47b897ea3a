"""Hot issues (热点问题): group petitions about the same matter in the same place and time, name and rank them.

How (and why):

1. **Terms.** Character bigrams of the title (counted twice: it states the matter) and the first part of the text,
   after removing greetings, punctuation and the division names themselves (A市, A2区: the place is handled as a
   constraint, and sharing "A市" says nothing about sharing a matter). Bigrams need no segmenter, so 100,000
   petitions take seconds, and an estate name such as 丽发新城 becomes three rare, telling bigrams. TF-IDF with
   sublinear counts; each petition keeps only its strongest terms (the matter, not the boilerplate).
2. **Clustering** is single-pass leader clustering in time order: a petition joins the most similar open issue
   (cosine with the issue's centroid) when the similarity reaches the threshold, the issue was active within the
   time window, and the places agree (same county, or one side only knows the city); otherwise it opens a new
   issue. Candidate issues come from an inverted index of each issue's strongest terms, so the cost per petition
   does not grow with the number of issues. Comparing with centroids (not with single members) stops chains of
   loosely related petitions from merging everything; the same routine can run incrementally as petitions arrive.
3. **Naming.** The most typical title of the issue (sharing most bigrams with the others) is tagged with jieba; its
   first run of nouns ending in a place word (小区, 新城, 路, 村, 学校 …) with the division and the people group
   most members mention gives ``place_people`` ("A市A2区丽发新城小区居民"); the rest of the title, without request
   words, gives the ``description`` ("搅拌站噪音扰民").
4. **Heat** = distinct petitioners + half of the further messages + ln(1 + votes) + 2 when the issue rose suddenly
   (a week with at least 3 messages and at least 3 times the average of the four weeks before).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from xinfang.insight.core.places import Gazetteer, Place
from xinfang.insight.core.records import Message
from xinfang.insight.core.text import normalise

DEFAULT_THRESHOLD = 0.3
DEFAULT_WINDOW_DAYS = 90
TERMS_PER_MESSAGE = 40
PROBE_TERMS = 8  # a petition looks for issues through its 8 strongest terms
POSTINGS_CAP = 60  # per term, only the most recently updated issues are probed
TEXT_CHARS = 300

_DIVISION_RE = re.compile(r"西地省|[A-Z]\d{0,2}[市区县]")
# A shared substring naming a place (estate, road, village, school, firm …) rather than the problem.
_PLACE_SUFFIX = re.compile(
    r"(小区|新城|花园|家园|公寓|佳苑|苑|府|庭|城|园|湾|村|组|社区|街道|镇|乡|路|大道|街|巷|广场|大厦|中心|"
    r"中学|小学|学校|学院|大学|幼儿园|医院|公司|物业|集团|银行|车贷|高铁|地铁|站|湖|山|桥|河|滩|期|项目|工地|市场)$"
)
_PEOPLE = (
    "业主",
    "居民",
    "村民",
    "职工",
    "员工",
    "工人",
    "教师",
    "老师",
    "家长",
    "学生",
    "司机",
    "商户",
    "租户",
    "农民工",
)


@dataclass
class Issue:
    """One hot issue: its messages and what is computed about them."""

    issue_id: str
    message_ids: list[str]
    heat: float = 0.0
    first: dt.datetime | None = None
    last: dt.datetime | None = None
    place_code: str = ""
    place_people: str = ""
    description: str = ""
    petitioners: int = 0
    votes: int = 0
    sudden_rise: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def time_range(self) -> str:
        if self.first is None or self.last is None:
            return ""
        return f"{self.first:%Y/%m/%d} 至 {self.last:%Y/%m/%d}"


def clean_text(message: Message) -> str:
    """The text the terms come from: title twice, the start of the text; without division names or greetings."""
    title = normalise(_DIVISION_RE.sub(" ", message.title))
    text = normalise(_DIVISION_RE.sub(" ", message.text[: TEXT_CHARS * 2]))[:TEXT_CHARS]
    return f"{title}|{title}|{text}"


def _bigrams(doc: str) -> list[str]:
    # "|" separates title and text: a bigram across it would be noise.
    return [doc[i : i + 2] for i in range(len(doc) - 1) if "|" not in doc[i : i + 2]]


def term_vectors(messages: Sequence[Message]) -> list[dict[int, float]]:
    """Each message's strongest TF-IDF bigrams as {term: weight}, L2-normalised."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    docs = [clean_text(m) for m in messages]
    # Bigrams in more than a fifth of a large corpus are boilerplate (反映, 希望); a small one keeps them all.
    max_df = max(50, len(docs) // 5)
    vectorizer = TfidfVectorizer(analyzer=_bigrams, sublinear_tf=True, max_df=max_df, dtype=np.float32)
    try:
        vectorizer.fit(docs)
    except ValueError:  # no bigram at all (empty or one-character texts): nothing to compare
        return [{} for _ in docs]
    # A bigram seen once (a typo, a name) is weighted as if seen twice: left at full IDF such bigrams would crowd
    # the strongest terms of every message, and removed (min_df=2) a small corpus loses what sets a message apart.
    n = len(docs)
    vectorizer.idf_ = np.minimum(vectorizer.idf_, math.log((1 + n) / 3) + 1)
    matrix = vectorizer.transform(docs).tocsr()
    vectors: list[dict[int, float]] = []
    for row in range(matrix.shape[0]):
        start, end = matrix.indptr[row], matrix.indptr[row + 1]
        data, idx = matrix.data[start:end], matrix.indices[start:end]
        if len(data) > TERMS_PER_MESSAGE:
            keep = np.argpartition(-data, TERMS_PER_MESSAGE)[:TERMS_PER_MESSAGE]
            data, idx = data[keep], idx[keep]
        norm = float(np.sqrt((data.astype(np.float64) ** 2).sum())) or 1.0
        vectors.append({int(t): float(w) / norm for t, w in zip(idx, data, strict=True)})
    return vectors


@dataclass
class _Cluster:
    members: list[int]
    centroid: dict[int, float]
    norm2: float
    place: Place | None
    last: dt.datetime | None
    indexed: set[int]


def _compatible(a: Place | None, b: Place | None) -> bool:
    """Same county; or same city when one side only knows the city; anything when one side knows nothing."""
    if a is None or b is None:
        return True
    if a.level == "county" and b.level == "county":
        return a.code == b.code
    return a.city_code == b.city_code


def cluster(
    messages: Sequence[Message],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    window_days: int = DEFAULT_WINDOW_DAYS,
    gazetteer: Gazetteer | None = None,
) -> list[list[int]]:
    """Group message indexes into issues (see the module doc); clusters are lists of indexes in time order."""
    gazetteer = gazetteer or Gazetteer.default()
    vectors = term_vectors(messages)
    places = [gazetteer.locate(m.title, m.text) for m in messages]
    epoch = dt.datetime(1970, 1, 1)  # noqa: DTZ001 - naive like the board's times; only for ordering
    order = sorted(range(len(messages)), key=lambda i: (messages[i].time or epoch, messages[i].id))
    window = dt.timedelta(days=window_days)
    clusters: list[_Cluster] = []
    postings: dict[int, list[int]] = defaultdict(list)
    for i in order:
        vec, place, time = vectors[i], places[i], messages[i].time
        probe = sorted(vec, key=vec.__getitem__, reverse=True)[:PROBE_TERMS]
        candidates = {c for t in probe for c in postings.get(t, ())[-POSTINGS_CAP:]}
        best, best_score = -1, threshold
        for c in candidates:
            cl = clusters[c]
            if time is not None and cl.last is not None and time - cl.last > window:
                continue
            if not _compatible(place, cl.place):
                continue
            score = sum(w * cl.centroid.get(t, 0.0) for t, w in vec.items()) / math.sqrt(cl.norm2)
            if score >= best_score:
                best, best_score = c, score
        if best < 0:
            best = len(clusters)
            clusters.append(_Cluster([], {}, 0.0, place, time, set()))
        _join(clusters[best], best, i, vec, place, time, postings)
    return _merge_similar(clusters, postings, threshold, window, messages)


def _merge_similar(
    clusters: list[_Cluster],
    postings: dict[int, list[int]],
    threshold: float,
    window: dt.timedelta,
    messages: Sequence[Message],
) -> list[list[int]]:
    """One pass merging issues whose centroids are similar: the same matter worded two ways (搅拌站 / 搅拌厂)
    starts two issues when its first petitions differ, and their centroids converge only later."""
    parent = list(range(len(clusters)))

    def root(c: int) -> int:
        while parent[c] != c:
            parent[c] = parent[parent[c]]
            c = parent[c]
        return c

    by_size = sorted(range(len(clusters)), key=lambda c: -len(clusters[c].members))
    for a in by_size:
        ca = clusters[a]
        if len(ca.members) < 2:
            continue
        probe = sorted(ca.centroid, key=ca.centroid.__getitem__, reverse=True)[:PROBE_TERMS]
        for b in {b for t in probe for b in postings.get(t, ()) if b != a}:
            cb = clusters[b]
            if root(a) == root(b) or not _compatible(ca.place, cb.place) or not _near(ca, cb, window, messages):
                continue
            dot = sum(w * cb.centroid.get(t, 0.0) for t, w in ca.centroid.items())
            if dot / math.sqrt(ca.norm2 * cb.norm2) >= threshold:
                parent[root(b)] = root(a)
    groups: dict[int, list[int]] = defaultdict(list)
    for c in range(len(clusters)):
        groups[root(c)].extend(clusters[c].members)
    return list(groups.values())


def _near(a: _Cluster, b: _Cluster, window: dt.timedelta, messages: Sequence[Message]) -> bool:
    """The two issues were active within ``window`` of each other."""
    times_a = [t for i in a.members if (t := messages[i].time) is not None]
    times_b = [t for i in b.members if (t := messages[i].time) is not None]
    if not times_a or not times_b:
        return True
    return min(times_b) - max(times_a) <= window and min(times_a) - max(times_b) <= window


def _join(
    cl: _Cluster,
    number: int,
    i: int,
    vec: dict[int, float],
    place: Place | None,
    time: dt.datetime | None,
    postings: dict[int, list[int]],
) -> None:
    cl.members.append(i)
    for t, w in vec.items():
        cl.centroid[t] = cl.centroid.get(t, 0.0) + w
    cl.norm2 = sum(v * v for v in cl.centroid.values())
    if cl.place is None or (place is not None and place.level == "county" and cl.place.level != "county"):
        cl.place = place
    if time is not None:
        cl.last = max(cl.last, time) if cl.last else time
    # Index the centroid's strongest terms; re-appending moves the issue to the recent end of the posting.
    strongest = sorted(cl.centroid, key=cl.centroid.__getitem__, reverse=True)[:PROBE_TERMS]
    for t in strongest:
        lst = postings[t]
        if t in cl.indexed and lst and lst[-1] == number:
            continue
        lst.append(number)
        cl.indexed.add(t)


def sudden_rise(times: Sequence[dt.datetime]) -> bool:
    """A week with ≥ 3 messages and ≥ 3 × the mean of the 4 weeks before it."""
    if len(times) < 3:
        return False
    start = min(times)
    weeks = Counter((t - start).days // 7 for t in times)
    for week, count in weeks.items():
        if count < 3:
            continue
        before = sum(weeks.get(week - k, 0) for k in range(1, 5)) / 4
        if count >= 3 * max(before, 1 / 3):
            return True
    return False


def heat(petitioners: int, messages: int, votes: int, rise: bool) -> float:
    """Distinct petitioners + ½ per further message + ln(1 + votes) + 2 for a sudden rise."""
    return round(petitioners + 0.5 * (messages - petitioners) + math.log1p(votes) + (2.0 if rise else 0.0), 2)


# Nouns, place names, numbers and abbreviations can be part of a place phrase (诺亚/山林/小区, 绿地/海外/滩/二期).
_PLACE_FLAGS = ("n", "s", "m", "j", "b", "eng", "a", "vn")
# Generic nouns that start many titles but are never part of a place (书记, 领导 …).
# Facilities that are what the petition complains about, not where: "丽发新城社区搅拌站" is about the 搅拌站.
_NUISANCES = {"搅拌站", "搅拌厂", "变电站", "基站", "垃圾站", "垃圾中转站", "中转站", "加油站", "养猪场", "工地"}
_LOCATIVES = {"门口", "附近", "旁边", "周边", "对面", "周围", "楼下", "内", "里", "旁", "前", "后", "边"}
_NOT_PLACE = {
    "书记",
    "领导",
    "市长",
    "县长",
    "区长",
    "政府",
    "部门",
    "问题",
    "有关部门",
    "相关部门",
    "请问",
    "市民",
    "群众",
}


def place_phrase(title: str) -> str:
    """The place named in a title: the first run of noun-like words that ends in a place word (小区, 路, 苑 …,
    else a word tagged as a place name), e.g. "坚决反对在诺亚山林小区门口设置医院" → "诺亚山林小区"."""
    from xinfang.insight.core.text import tagged_words

    tokens = tagged_words(_DIVISION_RE.sub("，", title))
    runs: list[list[tuple[str, str]]] = [[]]
    for word, flag in tokens:
        if flag.startswith(_PLACE_FLAGS) and flag not in ("ad", "an") and word not in _NOT_PLACE | _LOCATIVES:
            runs[-1].append((word, flag))
        elif runs[-1]:
            runs.append([])
    for run in runs:
        ends = [i for i, (w, _) in enumerate(run) if _PLACE_SUFFIX.search(w) and w not in _NUISANCES]
        if not ends:
            ends = [i for i, (_, f) in enumerate(run) if f in ("ns", "nt", "nz")]
        if ends:
            phrase = "".join(w for w, _ in run[: ends[-1] + 1])
            if len(phrase) >= 2:
                return phrase
    return ""


def name_issue(members: Sequence[Message], place: Place | None) -> tuple[str, str]:
    """(place_people, description): the division, the place phrase and the people group of the most typical
    title; the description is that title without place, divisions and request words."""
    central = _central_title(list(members)[:200])
    spot = place_phrase(central)
    texts = [m.title + m.text[:200] for m in members]
    people = [p for p in _PEOPLE if sum(p in t for t in texts) >= max(2, len(texts)) / 2]
    division = place.name if place is not None else ""
    place_people = division + spot + (people[0] if people else "")
    return place_people, _problem_phrase(central, spot)


def _central_title(members: Sequence[Message]) -> str:
    """The title sharing most bigrams with the others: the most typical wording of the issue."""
    grams = [set(_bigrams(normalise(m.title))) for m in members]
    total: Counter[str] = Counter(g for gs in grams for g in gs)
    best = max(range(len(members)), key=lambda i: (sum(total[g] for g in grams[i]) / (len(grams[i]) or 1), -i))
    return members[best].title


_REQUEST_WORDS = re.compile(
    r"^(关于|投诉|举报|反映|反应|请求|请问|咨询|建议|要求|强烈要求|恳请|希望|请|问问|书记|市长|领导|关注|过问|重视)+"
)


def _problem_phrase(title: str, spot: str) -> str:
    """The title without its place phrase, divisions, request words, dangling prepositions and punctuation."""
    text = normalise(_DIVISION_RE.sub("", title))
    if spot:
        before, _, after = text.partition(normalise(spot))
        text = re.sub(r"[在对于把给向与和的]$", "", before) + after
    text = _REQUEST_WORDS.sub("", text).lstrip("的")
    text = re.sub(r"(的问题|问题|的投诉|的建议|的请求|的咨询)$", "", text)
    return text or normalise(title)


def hot_issues(
    messages: Sequence[Message],
    *,
    top: int = 10,
    threshold: float = DEFAULT_THRESHOLD,
    window_days: int = DEFAULT_WINDOW_DAYS,
    gazetteer: Gazetteer | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    region: str = "",
) -> list[Issue]:
    """The ``top`` issues by heat among the messages in [since, until]; with ``region`` (a division code prefix
    such as "9901"), only issues whose place (the commonest county among their messages, else city) is under it."""
    gazetteer = gazetteer or Gazetteer.default()
    selected = [
        m
        for m in messages
        if (since is None or (m.time is not None and m.time >= since))
        and (until is None or (m.time is not None and m.time <= until))
    ]
    if not selected:
        return []
    groups = cluster(selected, threshold=threshold, window_days=window_days, gazetteer=gazetteer)
    if region:
        # The issue's place decides, not each message's: many letters about an estate name only the city or
        # nothing at all, yet belong to the county's issue.
        places = [gazetteer.locate(m.title, m.text) for m in selected]
        groups = [
            g for g in groups if (p := _issue_place([places[i] for i in g])) is not None and p.code.startswith(region)
        ]
    scored: list[tuple[float, int, list[int]]] = []
    for n, members in enumerate(groups):
        msgs = [selected[i] for i in members]
        users = len({m.user or f"#{m.id}" for m in msgs})
        times = [m.time for m in msgs if m.time is not None]
        scored.append((heat(users, len(msgs), sum(m.votes for m in msgs), sudden_rise(times)), n, members))
    scored.sort(key=lambda s: (-s[0], s[1]))
    issues = []
    for rank, (score, _, members) in enumerate(scored[:top], start=1):
        msgs = [selected[i] for i in members]
        times = [m.time for m in msgs if m.time is not None]
        place = _issue_place([gazetteer.locate(m.title, m.text) for m in msgs])
        place_people, description = name_issue(msgs, place)
        issues.append(
            Issue(
                issue_id=str(rank),
                message_ids=[m.id for m in msgs],
                heat=score,
                first=min(times) if times else None,
                last=max(times) if times else None,
                place_code=place.code if place else "",
                place_people=place_people,
                description=description,
                petitioners=len({m.user or f"#{m.id}" for m in msgs}),
                votes=sum(m.votes for m in msgs),
                sudden_rise=sudden_rise(times),
            )
        )
    return issues


def _issue_place(places: Sequence[Place | None]) -> Place | None:
    """The commonest county among the members, else the commonest city."""
    counties = Counter(p for p in places if p is not None and p.level == "county")
    if counties:
        return counties.most_common(1)[0][0]
    others = Counter(p for p in places if p is not None)
    return others.most_common(1)[0][0] if others else None
