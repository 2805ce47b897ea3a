"""Repeat and near-duplicate petitions: MinHash signatures over character shingles and a banded LSH index.

Why these choices:

- **Character 3-gram shingles of the normalised text** (greetings, punctuation and space removed, see
  :func:`~xinfang.insight.core.text.normalise`): Chinese has no spaces, and character shingles survive small edits,
  typos and reordered sentences without a segmenter; a word-level change touches only three shingles.
- **MinHash computed with numpy** (seeded affine permutations of mixed 64-bit shingle hashes, all shingles and
  permutations in one vectorised operation) and **LSH with 32 bands of 4 rows**: a pair whose Jaccard similarity
  is 0.5 becomes a candidate with probability 0.87, 0.6 with 0.98, while an unrelated pair (0.05) does with
  0.0002, so the candidates of one query stay a handful whatever the index size.
- **The index is a log-structured set of sorted arrays**: new signatures go into a small in-memory buffer
  (dictionary); when it fills it is merged into sorted numpy arrays of band keys, and a query is one binary search
  per band. Insertion is incremental, memory is 12 bytes per band and petition, and query cost grows with
  log(n) only — nearly flat from 10,000 to 1,000,000 petitions (see docs/benchmarks.md).
- **Candidates are verified exactly** on their shingle sets: the reported similarity is the larger of the Jaccard
  similarity and, for texts long enough for it to mean something, the containment of the shorter text in the longer
  (a truncated resubmission is wholly contained in the original).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from xinfang.insight.core.text import normalise

U64 = npt.NDArray[np.uint64]

NUM_PERM = 128
BANDS = 32
ROWS = NUM_PERM // BANDS
SHINGLE = 3
DEFAULT_THRESHOLD = 0.6
# Containment counts only when the shorter text has this many shingles: "小区停车难" is contained in many letters.
MIN_CONTAINMENT_SHINGLES = 40
_MASK64 = np.uint64(0xFFFFFFFFFFFFFFFF)


def _mix(x: U64) -> U64:
    """splitmix64 finaliser: a fast bijective 64-bit mixer, vectorised (wrap-around multiplication is intended)."""
    with np.errstate(over="ignore"):
        x = x ^ (x >> np.uint64(30))
        x = x * np.uint64(0xBF58476D1CE4E5B9)
        x = x ^ (x >> np.uint64(27))
        x = x * np.uint64(0x94D049BB133111EB)
        return x ^ (x >> np.uint64(31))


def shingle_hashes(text: str, size: int = SHINGLE) -> U64:
    """Distinct 64-bit hashes of the ``size``-character shingles of the normalised text (sorted).

    Code points fit in 21 bits, so three of them pack exactly into one 64-bit integer before mixing: equal
    hashes mean equal shingles (for ``size`` ≤ 3).
    """
    norm = normalise(text)
    if not norm:
        return np.empty(0, dtype=np.uint64)
    points = np.frombuffer(norm.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if len(points) < size:
        points = np.concatenate([points, np.zeros(size - len(points), dtype=np.uint64)])
    packed = np.zeros(len(points) - size + 1, dtype=np.uint64)
    for offset in range(size):
        packed = (packed << np.uint64(21)) | points[offset : offset + len(packed)]
    return np.unique(_mix(packed))


class MinHasher:
    """MinHash signatures of ``num_perm`` values; the same seed gives the same signatures on every machine.

    Shingle hashes are already well mixed (splitmix64), so each "permutation" is an affine map ``h·a + b`` modulo
    2⁶⁴ with odd ``a`` — a bijection, two vectorised operations per shingle and permutation instead of a full
    mixing round each. This is what makes a million signatures affordable on two cores.
    """

    def __init__(self, num_perm: int = NUM_PERM, seed: int = 20240601) -> None:
        rng = np.random.default_rng(seed)
        self.num_perm = num_perm
        self._mult: U64 = rng.integers(0, 2**63, size=num_perm, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
        self._add: U64 = rng.integers(0, 2**63, size=num_perm, dtype=np.uint64)

    def _permute(self, hashes: U64) -> U64:
        with np.errstate(over="ignore"):
            return hashes[:, None] * self._mult[None, :] + self._add[None, :]

    def signature(self, hashes: U64) -> U64:
        """Signature of one shingle-hash set; an empty set gets all-max values (it matches nothing)."""
        if len(hashes) == 0:
            return np.full(self.num_perm, _MASK64, dtype=np.uint64)
        return self._permute(hashes).min(axis=0)  # type: ignore[no-any-return]

    def signatures(self, hash_sets: Sequence[U64], chunk: int = 200_000) -> U64:
        """Signatures of many sets at once, shaped (len(hash_sets), num_perm): one vectorised pass per chunk."""
        out = np.full((len(hash_sets), self.num_perm), _MASK64, dtype=np.uint64)
        start = 0
        while start < len(hash_sets):
            stop, size = start, 0
            while stop < len(hash_sets) and (size == 0 or size + len(hash_sets[stop]) <= chunk):
                size += len(hash_sets[stop])
                stop += 1
            block = list(hash_sets[start:stop])
            lengths = np.array([len(h) for h in block])
            if lengths.sum():
                permuted = self._permute(np.concatenate(block))
                nonempty = np.flatnonzero(lengths)
                offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]])[nonempty]
                out[start + nonempty] = np.minimum.reduceat(permuted, offsets, axis=0)
            start = stop
        return out


_BAND_RNG = np.random.default_rng(7)
# Odd multipliers (one per row) and a salt per band: a band's key is a mixed random linear combination of its rows.
_ROW_MULT: U64 = _BAND_RNG.integers(0, 2**63, size=64, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
_BAND_SALT: U64 = _BAND_RNG.integers(0, 2**63, size=256, dtype=np.uint64)


def band_keys(signatures: U64, bands: int = BANDS) -> U64:
    """One 64-bit key per band, shape (n, bands); the band's salt keeps equal rows in different bands apart."""
    sig = np.atleast_2d(signatures)
    n, width = sig.shape
    rows = width // bands
    with np.errstate(over="ignore"):
        combined = (sig[:, : bands * rows].reshape(n, bands, rows) * _ROW_MULT[None, None, :rows]).sum(
            axis=2, dtype=np.uint64
        )
        return _mix(combined ^ _BAND_SALT[None, :bands])


class LshIndex:
    """An incremental MinHash LSH index: ``add`` petitions one by one or in bulk, ``query`` a signature.

    Items are numbered 0, 1, 2 … in the order added; callers keep their own id for each number.
    """

    def __init__(self, bands: int = BANDS, buffer_size: int = 50_000) -> None:
        self.bands = bands
        self.buffer_size = buffer_size
        self._keys: U64 = np.empty(0, dtype=np.uint64)  # sorted
        self._items: npt.NDArray[np.int64] = np.empty(0, dtype=np.int64)
        self._buffer: dict[int, list[int]] = {}
        self._buffered = 0
        self.size = 0

    def add(self, keys: U64) -> int:
        """Index one petition by its band keys (:func:`band_keys` of its signature); returns its item number."""
        item = self.size
        for key in np.ravel(keys).tolist():
            self._buffer.setdefault(key, []).append(item)
        self.size += 1
        self._buffered += 1
        if self._buffered >= self.buffer_size:
            self._merge()
        return item

    def add_many(self, keys: U64) -> range:
        """Index many petitions at once by their band keys, shape (n, bands): straight into the sorted arrays."""
        first = self.size
        items = np.repeat(np.arange(first, first + len(keys), dtype=np.int64), self.bands)
        self.size += len(keys)
        self._merge(keys.ravel(), items)
        return range(first, self.size)

    def _merge(self, keys: U64 | None = None, items: npt.NDArray[np.int64] | None = None) -> None:
        parts_k, parts_i = [self._keys], [self._items]
        if self._buffer:
            bk = [k for k, lst in self._buffer.items() for _ in lst]
            bi = [i for lst in self._buffer.values() for i in lst]
            parts_k.append(np.array(bk, dtype=np.uint64))
            parts_i.append(np.array(bi, dtype=np.int64))
            self._buffer, self._buffered = {}, 0
        if keys is not None and items is not None:
            parts_k.append(keys)
            parts_i.append(items)
        all_k, all_i = np.concatenate(parts_k), np.concatenate(parts_i)
        order = np.argsort(all_k, kind="stable")
        self._keys, self._items = all_k[order], all_i[order]

    def query(self, keys: U64) -> set[int]:
        """Item numbers sharing at least one band key with ``keys`` (candidates, to be verified)."""
        keys = np.ravel(keys)
        lo = np.searchsorted(self._keys, keys, side="left")
        hi = np.searchsorted(self._keys, keys, side="right")
        found: set[int] = set()
        for a, b in zip(lo.tolist(), hi.tolist(), strict=True):
            if b > a:
                found.update(self._items[a:b].tolist())
        for key in keys.tolist():
            found.update(self._buffer.get(key, ()))
        return found


def similarity(a: U64, b: U64) -> float:
    """Jaccard similarity of two shingle-hash sets, or the containment of the shorter in the longer when that is
    larger and the shorter text is long enough (a truncated resubmission)."""
    if len(a) == 0 or len(b) == 0:
        return 0.0
    common = len(np.intersect1d(a, b, assume_unique=True))
    jaccard = common / (len(a) + len(b) - common)
    shorter = min(len(a), len(b))
    if shorter >= MIN_CONTAINMENT_SHINGLES:
        return max(jaccard, common / shorter)
    return jaccard


def document(title: str, text: str) -> str:
    """What is compared: the text, with the title only when there is no text (a changed title must not matter)."""
    return text if normalise(text) else title


@dataclass(frozen=True)
class Pair:
    id_a: str
    id_b: str
    similarity: float


class DuplicateFinder:
    """Index petitions one by one; each new one is compared with the earlier ones its LSH bands point to."""

    def __init__(self, threshold: float = DEFAULT_THRESHOLD, hasher: MinHasher | None = None) -> None:
        self.threshold = threshold
        self.hasher = hasher or MinHasher()
        self.index = LshIndex()
        self.ids: list[str] = []
        self.hashes: list[U64] = []

    def probe(self, title: str, text: str) -> tuple[U64, U64]:
        """(shingle hashes, band keys) of one petition: computed once, used to query and then to add."""
        hashes = shingle_hashes(document(title, text))
        return hashes, band_keys(self.hasher.signature(hashes))

    def matches(self, hashes: U64, keys: U64) -> list[tuple[str, float]]:
        """The indexed petitions at or above the threshold as (id, similarity), most similar first."""
        if len(hashes) == 0:
            return []
        found = []
        for item in self.index.query(keys):
            score = similarity(hashes, self.hashes[item])
            if score >= self.threshold:
                found.append((self.ids[item], round(score, 4)))
        found.sort(key=lambda f: (-f[1], f[0]))
        return found

    def add(self, ident: str, hashes: U64, keys: U64) -> None:
        self.ids.append(ident)
        self.hashes.append(hashes)
        self.index.add(keys)

    def check_and_add(self, ident: str, title: str, text: str) -> list[tuple[str, float]]:
        """Compare with everything indexed so far, then index this petition too."""
        hashes, keys = self.probe(title, text)
        found = self.matches(hashes, keys)
        self.add(ident, hashes, keys)
        return found


def find_pairs(items: Iterable[tuple[str, str, str]], threshold: float = DEFAULT_THRESHOLD) -> list[Pair]:
    """All pairs of (id, title, text) at or above ``threshold``, each once, as (earlier id, later id, similarity)."""
    finder = DuplicateFinder(threshold)
    pairs: list[Pair] = []
    for ident, title, text in items:
        pairs.extend(Pair(other, ident, score) for other, score in finder.check_and_add(ident, title, text))
    return pairs


# The same petitioner rewording the same matter shares fewer exact shingles than a copy does: a lower bar, since
# the identity match already makes a coincidence unlikely.
REPEAT_THRESHOLD = 0.3
TITLE_REPEAT_THRESHOLD = 0.7


@dataclass(frozen=True)
class RepeatCandidate:
    """An earlier petition of the same petitioner that looks like the same matter (重复信访 candidate)."""

    id: str
    similarity: float


def repeat_candidates(
    title: str,
    text: str,
    earlier: Iterable[tuple[str, str, str]],
    threshold: float = REPEAT_THRESHOLD,
) -> list[RepeatCandidate]:
    """Among the same petitioner's earlier petitions (id, title, text), those on the same matter, best first.

    The petitioner's history is short, so every item is compared exactly (no index). The titles are compared as
    well as the texts: a resubmission often keeps the title and rewrites the letter.
    """
    text_hashes = shingle_hashes(document(title, text))
    title_hashes = shingle_hashes(title, size=2)
    found = []
    for ident, other_title, other_text in earlier:
        score = similarity(text_hashes, shingle_hashes(document(other_title, other_text)))
        title_score = similarity(title_hashes, shingle_hashes(other_title, size=2))
        if title_score >= TITLE_REPEAT_THRESHOLD:
            # Only a nearly identical title counts: two titles naming the same estate share half their bigrams.
            score = max(score, title_score)
        if score >= threshold:
            found.append(RepeatCandidate(ident, round(score, 4)))
    found.sort(key=lambda c: (-c.similarity, c.id))
    return found
