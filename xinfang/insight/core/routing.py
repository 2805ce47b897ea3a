"""Routing suggestions: the likely content categories (or responsible units) of a petition, with confidence.

Two models share one interface (:class:`Suggester`):

- :class:`TextClassifier` — trained on the deployment's handled petitions. Features are TF-IDF over character
  1–3-grams (robust to segmentation errors, typos and the anonymised place codes) and jieba word 1–2-grams (which
  carry phrases such as 拖欠工资), with the title repeated because it states the matter in a few words. A ridge
  classifier (one-vs-rest least squares; on this data it beat a linear SVM, logistic regression, SGD and
  complement naive Bayes by cross-validation) with balanced class weights (small categories must not vanish) is
  wrapped in sigmoid calibration fitted on internal cross-validation predictions (``ensemble=False``: one ridge
  fitted on all the data decides, as the five fold models averaged by the default lost 0.01 macro-F1), so the
  confidence reads as a probability; on the board data it errs on the modest side (suggestions given 0.7 are
  right about 84 % of the time). Unlabelled petitions may be given to fit the vocabulary and IDF weights (they help
  with words the labelled set lacks).
  When the categories are names of a taxonomy (``taxonomy=`` rows, or the full paths in ``known``), one more
  feature per category joins the text: its :class:`TaxonomyKeywords` score (log-scaled, weight
  ``KEYWORD_WEIGHT``). The taxonomy's names are prior knowledge 936 examples cannot teach: +0.02 macro-F1 by
  cross-validation (0.834 → 0.854).
- :class:`TaxonomyKeywords` — the cold start when there is no history: a category scores by the taxonomy names
  (levels 2 and 3, and their words) found in the petition, rarer names counting more.

Suggestions never decide: a registrar confirms or changes them.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from django.utils.translation import gettext as _

from xinfang.insight.core.records import Message
from xinfang.insight.core.text import words

MODEL_VERSION = 1
META_FILE = "meta.json"
CLASSIFIER_FILE = "classifier.joblib"
KEYWORDS_FILE = "keywords.json"
TITLE_WEIGHT = 3
# Weight of the taxonomy keyword scores (log1p) beside the unit-length TF-IDF vector; 0.03–0.07 give the same
# cross-validated macro-F1 (0.850–0.855), 0.2 and above let the keywords overrule the text.
KEYWORD_WEIGHT = 0.05
# A pool message is a copy of a held-out one when it has its title, or shares this fraction of its 8-character
# shingles with it (measured on the smaller of the two texts).
COPY_SHINGLE = 8
COPY_SHARE = 0.2
# Sigmoid calibration is fitted on internal folds: every category needs a few examples in each.
MIN_EXAMPLES = 5
CALIBRATION_FOLDS = 5
SEED = 0


class TrainingError(ValueError):
    """The training data cannot give a usable model; the message names the category or row at fault."""


@dataclass(frozen=True)
class Suggestion:
    label: str
    confidence: float


class Suggester(Protocol):
    labels: list[str]

    def suggest(self, messages: Sequence[Message], k: int = 3) -> list[list[Suggestion]]: ...

    def save(self, directory: Path) -> None: ...


def char_document(message: Message) -> str:
    """Title (weighted by repetition) and text, NFKC-normalised, without layout whitespace."""
    title = "".join(unicodedata.normalize("NFKC", message.title).split())
    text = "".join(unicodedata.normalize("NFKC", message.text).split())
    return (title + "。") * TITLE_WEIGHT + text


def word_document(message: Message) -> str:
    """Space-separated jieba words of the title (repeated) and the text."""
    title = _segmented(message.title)
    return " ".join([title] * TITLE_WEIGHT + [_segmented(message.text)])


@lru_cache(maxsize=50_000)
def _segmented(text: str) -> str:
    # Segmentation is most of the cost of training and predicting; retraining and cross-validation see the same
    # texts again, so recent results are kept (about 50,000 texts: a few tens of MB).
    return " ".join(words(text))


def check_labels(
    messages: Sequence[Message], *, known: Iterable[str] | None = None, min_examples: int = MIN_EXAMPLES
) -> Counter[str]:
    """Refuse training data the model cannot learn from, naming the category.

    - a label outside ``known`` (the taxonomy or the configured label set) is an unseen category: the first line
      using it is named, since it is usually a typo or a category that must be added first;
    - a category with fewer than ``min_examples`` petitions cannot be calibrated;
    - fewer than two categories is not a choice.
    """
    counts = Counter(m.label for m in messages)
    if known is not None:
        allowed = set(known)
        unseen = sorted(label for label in counts if label not in allowed)
        if unseen:
            first = {label: next(m.line for m in messages if m.label == label) for label in unseen}
            raise TrainingError(
                _("unseen category %(labels)s: not in the known categories (first used on %(lines)s)")
                % {
                    "labels": "、".join(f"“{u}”" for u in unseen),
                    "lines": ", ".join(_("line %(line)d") % {"line": first[u]} for u in unseen),
                }
            )
    rare = sorted((label for label, n in counts.items() if n < min_examples), key=lambda lab: (counts[lab], lab))
    if rare:
        raise TrainingError(
            _("too few examples to learn category %(labels)s (at least %(min)d each are needed)")
            % {"labels": "、".join(f"“{r}” ({counts[r]})" for r in rare), "min": min_examples}
        )
    if len(counts) < 2:
        raise TrainingError(_("the training data needs at least two categories, found %(n)d") % {"n": len(counts)})
    return counts


def taxonomy_rows_from_names(names: Iterable[str]) -> list[tuple[str, ...]]:
    """Taxonomy rows back from the "level1 / level2 / level3" paths among ``known`` names (as ``routing train
    --taxonomy`` builds them); no paths, no rows."""
    return sorted({tuple(n.split(" / ")) for n in names if n.count(" / ") >= 2})


class TextClassifier:
    """TF-IDF (characters + words) [+ taxonomy keyword scores] → ridge classifier → sigmoid calibration."""

    kind = "classifier"

    def __init__(self, alpha: float = 1.0, keyword_weight: float = KEYWORD_WEIGHT) -> None:
        self.alpha = alpha  # ridge regularisation: chosen by cross-validation (0.3 / 1 / 3) on the board data
        self.keyword_weight = keyword_weight
        self.labels: list[str] = []
        self._char: Any = None
        self._word: Any = None
        self._keywords: TaxonomyKeywords | None = None
        self._model: Any = None
        self.meta: dict[str, Any] = {}

    def fit(
        self,
        messages: Sequence[Message],
        *,
        unlabelled: Sequence[Message] = (),
        known: Iterable[str] | None = None,
        min_examples: int = MIN_EXAMPLES,
        taxonomy: Iterable[tuple[str, ...]] | None = None,
    ) -> TextClassifier:
        """Learn from labelled ``messages``.

        ``taxonomy`` rows (level1, level2, level3) whose first level names a trained category add the keyword
        features; without them they are read from the full paths in ``known``, if any.
        """
        from sklearn.calibration import CalibratedClassifierCV
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import RidgeClassifier

        known = list(known) if known is not None else None
        counts = check_labels(messages, known=known, min_examples=min_examples)
        rows = list(taxonomy) if taxonomy is not None else taxonomy_rows_from_names(known or [])
        rows = [r for r in rows if r and r[0] in counts]
        self._keywords = None
        if self.keyword_weight > 0 and len({r[0] for r in rows}) >= 2:
            self._keywords = TaxonomyKeywords.from_taxonomy(rows)
        chars = [char_document(m) for m in messages]
        wordss = [word_document(m) for m in messages]
        extra_chars = [char_document(m) for m in unlabelled]
        extra_words = [word_document(m) for m in unlabelled]
        self._char = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True, min_df=2, dtype=np.float32)
        self._word = TfidfVectorizer(
            token_pattern=r"(?u)\S+",  # noqa: S106 - a regular expression, not a password
            ngram_range=(1, 2),
            sublinear_tf=True,
            min_df=2,
            dtype=np.float32,
        )
        self._char.fit(chars + extra_chars)
        self._word.fit(wordss + extra_words)
        features = self._features(chars, wordss, messages)
        labels = np.array([m.label for m in messages])
        folds = min(CALIBRATION_FOLDS, min(counts.values()))
        linear = RidgeClassifier(alpha=self.alpha, class_weight="balanced", random_state=SEED)
        self._model = CalibratedClassifierCV(linear, method="sigmoid", cv=folds, ensemble=False).fit(features, labels)
        self.labels = [str(c) for c in self._model.classes_]
        self.meta = {
            "kind": self.kind,
            "version": MODEL_VERSION,
            "trained_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "examples": len(messages),
            "unlabelled": len(unlabelled),
            "labels": dict(sorted(counts.items())),
            "alpha": self.alpha,
            "keyword_weight": self.keyword_weight if self._keywords is not None else 0.0,
            "keyword_categories": self._keywords.labels if self._keywords is not None else [],
        }
        return self

    def _features(self, chars: list[str], wordss: list[str], messages: Sequence[Message]) -> Any:
        from scipy.sparse import csr_matrix, hstack
        from sklearn.preprocessing import normalize

        text = normalize(hstack([self._char.transform(chars), self._word.transform(wordss)]).tocsr())
        if self._keywords is None:
            return text
        raw = np.array([self._keywords.scores(m) for m in messages], dtype=np.float32)
        scores = np.log1p(raw.reshape(len(messages), len(self._keywords.labels)))
        return hstack([text, csr_matrix(scores * self.keyword_weight)]).tocsr()

    def probabilities(self, messages: Sequence[Message]) -> Any:
        features = self._features([char_document(m) for m in messages], [word_document(m) for m in messages], messages)
        return self._model.predict_proba(features)

    def suggest(self, messages: Sequence[Message], k: int = 3) -> list[list[Suggestion]]:
        if not messages:
            return []
        return _top_k(self.probabilities(messages), self.labels, k)

    def save(self, directory: Path) -> None:
        import joblib

        directory.mkdir(parents=True, exist_ok=True)
        joblib.dump(
            {"char": self._char, "word": self._word, "keywords": self._keywords, "model": self._model},
            directory / CLASSIFIER_FILE,
        )
        (directory / META_FILE).write_text(json.dumps(self.meta, ensure_ascii=False, indent=2), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path, meta: dict[str, Any]) -> TextClassifier:
        import joblib

        # The model folder is server-side state written by `routing train`, never an upload: unpickling it is
        # as trusted as importing the project's own code.
        parts = joblib.load(directory / CLASSIFIER_FILE)
        model = cls(alpha=float(meta.get("alpha", 1.0)), keyword_weight=float(meta.get("keyword_weight", 0.0)))
        model._char, model._word, model._model = parts["char"], parts["word"], parts["model"]
        model._keywords = parts.get("keywords")
        model.labels = [str(c) for c in model._model.classes_]
        model.meta = meta
        return model


class TaxonomyKeywords:
    """Cold start: score categories by the taxonomy's own names found in the petition (title counts triple)."""

    kind = "taxonomy"

    def __init__(self, keywords: dict[str, dict[str, float]]) -> None:
        self.keywords = keywords  # label → {keyword: weight}
        self.labels = sorted(keywords)
        self.meta: dict[str, Any] = {}

    @classmethod
    def from_taxonomy(cls, rows: Iterable[tuple[str, ...]], level: int = 1) -> TaxonomyKeywords:
        """Keywords for each category at ``level`` (1-based): the names below it and their words of 2+ chars.

        A keyword shared by several categories is weighted by its rarity (log inverse category frequency), so
        "管理" counts little and "拖欠工资" much.
        """
        terms: dict[str, set[str]] = {}
        for row in rows:
            label = row[level - 1]
            bag = terms.setdefault(label, set())
            for name in row[level - 1 :]:
                for piece in name.replace("（", " ").replace("）", " ").replace("、", " ").split():
                    bag.add(piece)
                    bag.update(w for w in words(piece) if len(w) >= 2)
        spread = Counter(t for bag in terms.values() for t in bag)
        total = len(terms)
        keywords = {
            label: {t: math.log(1 + total / spread[t]) for t in sorted(bag) if len(t) >= 2}
            for label, bag in terms.items()
        }
        model = cls(keywords)
        model.meta = {"kind": cls.kind, "version": MODEL_VERSION, "level": level, "labels": model.labels}
        return model

    def scores(self, message: Message) -> list[float]:
        title, text = message.title, message.text
        return [
            sum(w * (TITLE_WEIGHT * title.count(t) + min(text.count(t), 3)) for t, w in self.keywords[label].items())
            for label in self.labels
        ]

    def suggest(self, messages: Sequence[Message], k: int = 3) -> list[list[Suggestion]]:
        rows = []
        for message in messages:
            raw = np.array(self.scores(message), dtype=float)
            # Softmax with a temperature: a few matching names give a clear but not certain preference.
            exp = np.exp((raw - raw.max()) / 2.0)
            rows.append(exp / exp.sum())
        return _top_k(np.array(rows), self.labels, k) if rows else []

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        (directory / KEYWORDS_FILE).write_text(json.dumps(self.keywords, ensure_ascii=False), encoding="utf-8")
        (directory / META_FILE).write_text(json.dumps(self.meta, ensure_ascii=False, indent=2), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path, meta: dict[str, Any]) -> TaxonomyKeywords:
        model = cls(json.loads((directory / KEYWORDS_FILE).read_text(encoding="utf-8")))
        model.meta = meta
        return model


def _top_k(probabilities: Any, labels: list[str], k: int) -> list[list[Suggestion]]:
    order = np.argsort(-probabilities, axis=1, kind="stable")[:, :k]
    return [
        [Suggestion(labels[j], round(float(row[j]), 4)) for j in idx]
        for row, idx in zip(probabilities, order, strict=True)
    ]


def load_model(directory: Path) -> TextClassifier | TaxonomyKeywords:
    """The model saved in ``directory`` by :meth:`save`, whichever kind it is."""
    meta_path = directory / META_FILE
    if not meta_path.is_file():
        raise TrainingError(_("%(dir)s holds no routing model (no %(file)s)") % {"dir": directory, "file": META_FILE})
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    if meta.get("version") != MODEL_VERSION:
        raise TrainingError(
            _("%(dir)s holds a model of version %(found)s; this code reads version %(version)d: train it again")
            % {"dir": directory, "found": meta.get("version"), "version": MODEL_VERSION}
        )
    if meta.get("kind") == TaxonomyKeywords.kind:
        return TaxonomyKeywords.load(directory, meta)
    return TextClassifier.load(directory, meta)


def read_taxonomy_rows(path: Path) -> list[tuple[str, str, str]]:
    """(level1, level2, level3) rows of a taxonomy CSV, via the spine's reader (which names bad lines)."""
    import csv

    rows: list[tuple[str, str, str]] = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = {"level1", "level2", "level3"} - set(reader.fieldnames or [])
        if missing:
            raise TrainingError(
                _("%(path)s: missing columns %(cols)s") % {"path": path, "cols": ", ".join(sorted(missing))}
            )
        for line, row in enumerate(reader, start=2):
            values = tuple((row.get(k) or "").strip() for k in ("level1", "level2", "level3"))
            if not values[0]:
                raise TrainingError(_("%(path)s, line %(line)d: level1 is empty") % {"path": path, "line": line})
            rows.append((values[0], values[1], values[2]))
    return rows


def _copy_key(message: Message) -> tuple[str, set[str]]:
    title = "".join(unicodedata.normalize("NFKC", message.title).split())
    text = "".join(unicodedata.normalize("NFKC", message.text).split())
    return title, {text[i : i + COPY_SHINGLE] for i in range(max(1, len(text) - COPY_SHINGLE + 1))}


def without_copies(pool: Sequence[Message], held_out: Sequence[Message]) -> list[Message]:
    """``pool`` without the copies of any ``held_out`` message: the same title, or at least ``COPY_SHARE`` of the
    smaller text's 8-character shingles in common (a repost, an edited resubmission, a quoted letter).

    Cross-validation passes each test fold as ``held_out``, so that nothing fitted in that fold (not even the
    vocabulary) has seen a test message under another id: the board's files repeat some labelled messages.
    """
    titles: set[str] = set()
    owners: dict[str, list[int]] = {}
    sizes: list[int] = []
    for n, message in enumerate(held_out):
        title, shingles = _copy_key(message)
        if title:
            titles.add(title)
        sizes.append(len(shingles))
        for shingle in shingles:
            owners.setdefault(shingle, []).append(n)
    kept = []
    for message in pool:
        title, shingles = _copy_key(message)
        if title and title in titles:
            continue
        shared: Counter[int] = Counter(n for s in shingles for n in owners.get(s, ()))
        if not any(c >= COPY_SHARE * min(len(shingles), sizes[n]) for n, c in shared.items()):
            kept.append(message)
    return kept
