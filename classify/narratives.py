"""Known false narratives (config/narratives.yaml) and lexical claim matching.

An item "likely" repeats a narrative when one of its sentences is close to the narrative's claim
or one of its variants: cosine similarity of folded TF-IDF vectors (character 3-5-grams inside
words, and word 1-2-grams), taking the best sentence. Two thresholds, as fact-checkers use
them: ``suggest`` (label "likely", a reviewer looks) and ``confirm`` (a near-verbatim match).

What lexical matching cannot do, and how we limit the damage:
- A rebuttal QUOTES the claim to refute it ("tin Chỉ thị 57 cấm mạng xã hội là sai sự thật")
  and shares its words. A short list of refutation cues near the matched sentence multiplies the
  score by ``refutation_factor``. A false claim that itself uses a cue word ("đừng tin tin đồn,
  sự thật là ...") is then missed; the measured rates are in the model card.
- A paraphrase in entirely different words is missed. Reviewers add new phrasings as variants.
- Every in-domain sentence shares words with the claims ("chỉ thị 57", "dữ liệu", "tài khoản
  mạng xã hội"), and the best of many sentences of a long article is often a chance match. The
  idf therefore also counts a background of in-domain, claim-free text (document frequencies
  saved by ``classify.train`` as ``narrative_background.json`` in the model directory), so the
  words every article about the directive uses weigh little and the claim-specific ones much.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from classify.models.features import FeatureSettings, Vectorizer, extract_terms
from classify.preprocess import split_sentences
from phuxanh.errors import ConfigError
from phuxanh.narrative_additions import read_entries
from phuxanh.text import clean, fold

_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
# Clauses of a long sentence are matched too: a claim inside a 60-word sentence is diluted.
_CLAUSE_RE = re.compile(r"\s*[;:]\s+|\s+[-–—]\s+")
_LONG_SENTENCE_WORDS = 30
# Folded word n-grams, character n-grams inside folded words; min_df 1 because every term of a
# claim must count, however rare.
MATCH_FEATURES = FeatureSettings(
    word_ngrams=(1, 2), char_ngrams=(3, 5), min_df=1, max_features=None, sublinear_tf=True
)
BACKGROUND_FILE = "narrative_background.json"
BACKGROUND_FORMAT = "phuxanh-narrative-background/1"
# Terms seen in a single background document are not saved: their idf would be near the
# maximum anyway, as for a term never seen, and they are most of the file.
_BACKGROUND_MIN_DF = 2


@dataclass(frozen=True)
class Narrative:
    id: str
    topic: str
    claim: str
    variants: tuple[str, ...]
    rebuttal: str
    rebuttal_url: str | None
    added_by: str

    @property
    def phrasings(self) -> tuple[str, ...]:
        return (self.claim, *self.variants)


@dataclass(frozen=True)
class MatchSettings:
    suggest: float
    confirm: float
    min_chars: int
    refutation_factor: float
    cue_window: int
    refutation_cues: tuple[str, ...]


@dataclass(frozen=True)
class NarrativeSet:
    version: int
    settings: MatchSettings
    narratives: tuple[Narrative, ...]
    source: str = ""  # the file it came from, for messages
    added: int = 0  # narratives reviewers added from items (see with_additions)


@dataclass(frozen=True)
class NarrativeMatch:
    label: str  # "likely" | "unlikely"
    score: float  # after the refutation discount
    raw_score: float  # cosine of the best sentence, before any discount
    narrative_id: str | None  # the best narrative (set even when "unlikely", for reviewers)
    sentence: str  # the best-matching sentence as written
    refuted_by: str | None  # the refutation cue found near it, if any
    strength: str | None  # "confirm" | "suggest" | None

    @property
    def reason(self) -> str:
        if self.narrative_id is None or not self.sentence:
            return "không khớp luận điệu sai lệch nào đã biết"
        quote = self.sentence if len(self.sentence) <= 200 else self.sentence[:197] + "..."
        if self.label == "likely":
            level = "khớp mạnh" if self.strength == "confirm" else "có thể khớp"
            return f"{level} luận điệu '{self.narrative_id}' ({self.score:.2f}): \"{quote}\""
        if self.refuted_by is not None and self.raw_score > self.score:
            return (
                f"nhắc luận điệu '{self.narrative_id}' nhưng có dấu hiệu bác bỏ "
                f"('{self.refuted_by}'): \"{quote}\""
            )
        return "không khớp luận điệu sai lệch nào đã biết"


# -- loading -----------------------------------------------------------------------------------


def _field(entry: dict[str, Any], key: str, where: str, path: Path) -> Any:
    if key not in entry:
        raise ConfigError(f"{path}: {where}.{key}: missing")
    return entry[key]


def _text(value: Any, where: str, path: Path) -> str:
    if not isinstance(value, str) or not clean(value):
        raise ConfigError(f"{path}: {where}: expected a non-empty string, got {value!r}")
    return clean(value)


def _number(value: Any, where: str, path: Path, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise ConfigError(f"{path}: {where}: expected a number in [{low}, {high}], got {value!r}")
    return float(value)


def _parse_entries(entries: list[Any], path: Path, seen: set[str],
                   extra_fields: frozenset[str] = frozenset()) -> list[Narrative]:
    """Validated narratives from a YAML list; ``seen`` holds ids already taken (and is
    updated), so a later file cannot redefine an earlier id."""
    narratives: list[Narrative] = []
    for index, entry in enumerate(entries):
        where = f"narratives[{index}]"
        if not isinstance(entry, dict):
            raise ConfigError(f"{path}: {where}: expected a mapping")
        unknown = set(entry) - {
            "id", "topic", "claim", "variants", "rebuttal", "rebuttal_url", "added_by",
        } - extra_fields
        if unknown:
            raise ConfigError(f"{path}: {where}: unknown field(s) {sorted(unknown)}")
        narrative_id = _field(entry, "id", where, path)
        if not isinstance(narrative_id, str) or not _ID_RE.match(narrative_id):
            raise ConfigError(
                f"{path}: {where}.id: expected lower-case letters, digits and dashes, "
                f"got {narrative_id!r}"
            )
        if narrative_id in seen:
            raise ConfigError(f"{path}: {where}.id: duplicate id {narrative_id!r}")
        seen.add(narrative_id)
        variants = _field(entry, "variants", where, path)
        if not isinstance(variants, list):
            raise ConfigError(f"{path}: {where}.variants: expected a list of strings")
        url = entry.get("rebuttal_url")
        if url is not None and not (isinstance(url, str) and url.startswith(("http://",
                                                                               "https://"))):
            raise ConfigError(f"{path}: {where}.rebuttal_url: expected null or an http(s) URL")
        narratives.append(Narrative(
            id=narrative_id,
            topic=_text(_field(entry, "topic", where, path), f"{where}.topic", path),
            claim=_text(_field(entry, "claim", where, path), f"{where}.claim", path),
            variants=tuple(
                _text(v, f"{where}.variants[{i}]", path) for i, v in enumerate(variants)
            ),
            rebuttal=_text(_field(entry, "rebuttal", where, path), f"{where}.rebuttal", path),
            rebuttal_url=url,
            added_by=_text(entry.get("added_by", "unknown"), f"{where}.added_by", path),
        ))
    return narratives


def load_narratives(path: Path) -> NarrativeSet:
    """Read and validate ``narratives.yaml``; ConfigError names the file and the field."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: narratives file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read ({exc})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        raise ConfigError(f"{path}:{where} not valid YAML") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping with 'version', 'matching', 'narratives'")

    version = _field(data, "version", "(top level)", path)
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ConfigError(f"{path}: version: expected a positive integer, got {version!r}")

    matching = _field(data, "matching", "(top level)", path)
    if not isinstance(matching, dict):
        raise ConfigError(f"{path}: matching: expected a mapping")
    cues = _field(matching, "refutation_cues", "matching", path)
    if not isinstance(cues, list):
        raise ConfigError(f"{path}: matching.refutation_cues: expected a list of strings")
    settings = MatchSettings(
        suggest=_number(_field(matching, "suggest", "matching", path), "matching.suggest",
                        path, 0.0, 1.0),
        confirm=_number(_field(matching, "confirm", "matching", path), "matching.confirm",
                        path, 0.0, 1.0),
        min_chars=int(_number(_field(matching, "min_chars", "matching", path),
                              "matching.min_chars", path, 0, 10_000)),
        refutation_factor=_number(_field(matching, "refutation_factor", "matching", path),
                                  "matching.refutation_factor", path, 0.0, 1.0),
        cue_window=int(_number(_field(matching, "cue_window", "matching", path),
                               "matching.cue_window", path, 0, 10)),
        refutation_cues=tuple(
            _text(cue, f"matching.refutation_cues[{i}]", path).lower()
            for i, cue in enumerate(cues)
        ),
    )
    if settings.confirm < settings.suggest:
        raise ConfigError(
            f"{path}: matching.confirm ({settings.confirm}) must be at least matching.suggest "
            f"({settings.suggest})"
        )

    entries = _field(data, "narratives", "(top level)", path)
    if not isinstance(entries, list) or not entries:
        raise ConfigError(f"{path}: narratives: expected a non-empty list")
    narratives = _parse_entries(entries, path, set())
    return NarrativeSet(version=version, settings=settings, narratives=tuple(narratives),
                        source=str(path))


def with_additions(base: NarrativeSet, path: Path | None) -> NarrativeSet:
    """``base`` plus the narratives reviewers added (phuxanh/narrative_additions.py) in
    ``path``; a missing file adds nothing. Added ids may not reuse a configured one."""
    if path is None or not path.exists():
        return base
    entries = read_entries(path, ConfigError)
    added = _parse_entries(entries, path, {n.id for n in base.narratives},
                           extra_fields=frozenset({"added_at", "from_item"}))
    return dataclasses.replace(base, narratives=(*base.narratives, *added),
                               added=len(added))


# -- background statistics -------------------------------------------------------------------


@dataclass(frozen=True)
class Background:
    """Document frequencies of matching terms over in-domain text without the claims."""

    n_docs: int
    df: dict[str, int]

    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> Background:
        df: Counter[str] = Counter()
        n_docs = 0
        for text in texts:
            df.update(set(_terms(text)))
            n_docs += 1
        return cls(n_docs, {t: c for t, c in sorted(df.items()) if c >= _BACKGROUND_MIN_DF})

    def save(self, path: Path) -> None:
        payload = {
            "format": BACKGROUND_FORMAT,
            "features": MATCH_FEATURES.to_json(),
            "n_docs": self.n_docs,
            "df": self.df,
        }
        path.write_text(json.dumps(payload, ensure_ascii=False) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> Background:
        from classify.base import ModelError

        try:
            payload = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ModelError(f"{path}: unreadable ({exc})") from None
        if not isinstance(payload, dict) or payload.get("format") != BACKGROUND_FORMAT:
            raise ModelError(f"{path}: not a {BACKGROUND_FORMAT} file")
        try:
            same_features = FeatureSettings.from_json(payload["features"]) == MATCH_FEATURES
        except (KeyError, TypeError, ValueError, IndexError):
            same_features = False
        if not same_features:
            raise ModelError(
                f"{path}: counted with other matching features than this code uses; retrain "
                "with `python -m classify.train`"
            )
        df = payload.get("df")
        n_docs = payload.get("n_docs")
        if not isinstance(df, dict) or not isinstance(n_docs, int) or n_docs < 0:
            raise ModelError(f"{path}: expected 'n_docs' (integer) and 'df' (object)")
        return cls(n_docs, {str(t): int(c) for t, c in df.items()})


# -- matching ----------------------------------------------------------------------------------


def _terms(text: str) -> list[str]:
    # Word terms come from the folded text split on spaces; no word segmentation, so matching
    # needs no underthesea and a sentence typed without diacritics folds to the same terms.
    folded = " ".join(re.findall(r"\w+", fold(text)))
    return extract_terms(folded, MATCH_FEATURES)


def item_sentences(title: str, text: str) -> list[str]:
    """Title, then each sentence of each paragraph; long sentences also by clause."""
    found: list[str] = []
    for paragraph in [title, *text.splitlines()]:
        for sentence in split_sentences(clean(paragraph)):
            found.append(sentence)
            if len(sentence.split()) > _LONG_SENTENCE_WORDS:
                found.extend(part for part in _CLAUSE_RE.split(sentence) if part)
    return found


class NarrativeMatcher:
    def __init__(self, narratives: NarrativeSet, background: Background | None = None) -> None:
        self.narratives = narratives
        self.background = background
        self.settings = narratives.settings
        self._owner: list[int] = []
        phrasings: list[str] = []
        for index, narrative in enumerate(narratives.narratives):
            for phrasing in narrative.phrasings:
                self._owner.append(index)
                phrasings.append(phrasing)
        terms = [_terms(p) for p in phrasings]
        df: Counter[str] = Counter()
        for phrasing_terms in terms:
            df.update(set(phrasing_terms))
        n_docs = len(terms)
        if background is not None:
            # The background's terms join the vocabulary too: a sentence's words that no claim
            # has then count in its norm, so a long sentence that shares three words with a
            # claim is not scored like a short one that is nothing but those words.
            df.update(background.df)
            n_docs += background.n_docs
        self._vectorizer = Vectorizer.from_document_frequencies(df, n_docs, MATCH_FEATURES)
        # Both blocks are unit length, so a row's norm is sqrt(2); halving the dot product
        # makes identical texts score 1.0 and averages the word and character cosines.
        self._claims = self._vectorizer.transform(terms)
        self._cue_res = [
            re.compile(rf"(?<!\w){re.escape(cue)}(?!\w)") for cue in self.settings.refutation_cues
        ]

    @property
    def version(self) -> str:
        # Reviewers' additions change what is matched, so they are part of the version: a
        # `classify --reclassify` after an addition relabels with the new claims.
        added = f"+{self.narratives.added}r" if self.narratives.added else ""
        return f"narratives@{self.narratives.version}{added}"

    def _cue(self, text: str) -> str | None:
        lowered = clean(text).lower()
        for cue, pattern in zip(self.settings.refutation_cues, self._cue_res, strict=True):
            if pattern.search(lowered):
                return cue
        return None

    def similarities(self, sentences: Sequence[str]) -> np.ndarray:
        """Rows: sentences; columns: narratives; best phrasing's cosine in [0, 1]."""
        matrix = self._vectorizer.transform([_terms(s) for s in sentences])
        by_phrasing = (matrix @ self._claims.T).toarray() / 2.0
        owners = np.array(self._owner)
        return np.stack(
            [by_phrasing[:, owners == n].max(axis=1)
             for n in range(len(self.narratives.narratives))],
            axis=1,
        )

    def match(self, title: str, text: str) -> NarrativeMatch:
        sentences = item_sentences(title, text)
        usable = [s for s in sentences if len(s) >= self.settings.min_chars]
        if not usable:
            return NarrativeMatch("unlikely", 0.0, 0.0, None, "", None, None)
        sims = self.similarities(usable)
        discounted = sims.copy()
        cues: list[str | None] = []
        title_cue = self._cue(title) if title else None
        own_cues = [self._cue(sentence) for sentence in usable]
        for row in range(len(usable)):
            low = max(0, row - self.settings.cue_window)
            high = row + self.settings.cue_window + 1
            cue = title_cue or next((found for found in own_cues[low:high] if found), None)
            cues.append(cue)
            if cue is not None:
                discounted[row] *= self.settings.refutation_factor
        # The label is decided on the best discounted score.
        row, column = np.unravel_index(int(np.argmax(discounted)), discounted.shape)
        score = float(min(max(discounted[row, column], 0.0), 1.0))
        # When the discount is what made the item "unlikely", show the sentence that matched
        # best before it: a reviewer should see that the item quotes a narrative to refute it.
        raw_row, raw_column = np.unravel_index(int(np.argmax(sims)), sims.shape)
        if score < self.settings.suggest and sims[raw_row, raw_column] >= self.settings.suggest:
            row, column = raw_row, raw_column
        raw = float(min(max(sims[row, column], 0.0), 1.0))
        if score >= self.settings.confirm:
            label, strength = "likely", "confirm"
        elif score >= self.settings.suggest:
            label, strength = "likely", "suggest"
        else:
            label, strength = "unlikely", None
        return NarrativeMatch(
            label=label,
            score=score,
            raw_score=raw,
            narrative_id=self.narratives.narratives[int(column)].id,
            sentence=usable[int(row)],
            refuted_by=cues[int(row)],
            strength=strength,
        )
