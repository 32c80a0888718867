"""Text preprocessing shared by training and prediction.

One function, :func:`preprocess`, turns raw Vietnamese text into the space-separated, word-
segmented form every model sees. A model records ``PREPROCESS_VERSION`` in its ``config.json``
and refuses to load under another version: a model trained on one segmentation silently loses
most of its vocabulary under another. Bump the version whenever the output of
:func:`preprocess` can change for some input (new teencode entries, different masking, ...).

Steps, in order (each comment below says why the order matters):
NFC + new-style tone marks (``phuxanh.text.clean``) -> URLs and @mentions masked -> emoticons
mapped to emoji, emoji spaced out -> underthesea ``text_normalize`` -> teencode expanded ->
``word_tokenize(format="text")`` -> lower case (the placeholders stay upper case).

:func:`chunks` splits long articles, paragraph-aware, so a model can predict per chunk and
combine.
"""

from __future__ import annotations

import re

from phuxanh.text import clean

PREPROCESS_VERSION = "1"

URL_TOKEN = "URL"  # noqa: S105 - a placeholder word, not a password
MENTION_TOKEN = "MENTION"  # noqa: S105
PLACEHOLDERS = frozenset({URL_TOKEN, MENTION_TOKEN})

# http(s) links and bare www. links; trailing punctuation is left to the sentence.
_URL_RE = re.compile(r"(?:https?://|www\.)[^\s<>\"']+[^\s<>\"'.,;:!?)\]]", re.IGNORECASE)
# @handle, not an e-mail address (the @ must not follow a word character).
_MENTION_RE = re.compile(r"(?<!\w)@[\w.]+\w")

# Pictographs, symbols, dingbats and flags. A cluster (skin tone, variation selector, ZWJ
# sequence such as 🤷‍♀️) stays one token; two emoji side by side are two tokens.
_EMOJI_CHAR = (
    "\U0001F300-\U0001F5FF\U0001F600-\U0001F64F\U0001F680-\U0001F6FF\U0001F900-\U0001F9FF"
    "\U0001FA70-\U0001FAFF\U00002600-\U000026FF\U00002700-\U000027BF\U00002B50\U00002B55"
    "\U0001F004\U0001F0CF\U0001F170-\U0001F251"
)
_EMOJI_RE = re.compile(
    r"[\U0001F1E6-\U0001F1FF]{2}"  # a flag: two regional indicators
    rf"|[{_EMOJI_CHAR}](?:\ufe0f|[\U0001F3FB-\U0001F3FF]|\u200d[{_EMOJI_CHAR}]\ufe0f?)*"
)
_HAS_EMOJI_RE = re.compile(rf"[{_EMOJI_CHAR}\U0001F1E6-\U0001F1FF]")
_FLAG_RE = re.compile(r"[\U0001F1E6-\U0001F1FF]{2}")
_REGIONAL_RE = re.compile(r"[\U0001F1E6-\U0001F1FF]")

# Emoticons carry sentiment but text_normalize splits ":(" into ": (", so they become emoji
# first. "=))" (laughing, often sarcastic) is kept as it is: it survives normalisation whole.
_EMOTICONS = {
    ":))": "😄", ":)": "🙂", ":-)": "🙂", ":d": "😄", ":(": "🙁", ":-(": "🙁", ":((": "😢",
    ":'(": "😢", "<3": "❤️", ":p": "😛", ":v": "😛",
}
_EMOTICON_RE = re.compile(
    r"(?<!\S)(" + "|".join(re.escape(e) for e in sorted(_EMOTICONS, key=len, reverse=True))
    + r")(?!\S)",
    re.IGNORECASE,
)

# Common teencode and abbreviations in Vietnamese comments, matched as whole tokens, case-
# insensitively. Only unambiguous ones: "a"/"e"/"c" (anh/em/chị) or "bn" (bạn / bao nhiêu)
# would guess wrong too often. "k" as a token is "không" ("50k" is one token and untouched).
TEENCODE: dict[str, str] = {
    "ko": "không", "k": "không", "kg": "không", "kh": "không", "khong": "không", "hok": "không",
    "hông": "không", "k0": "không", "hem": "không",
    "dc": "được", "đc": "được", "dk": "được", "đk": "được", "duoc": "được",
    "vs": "với", "j": "gì", "gi": "gì", "ntn": "như thế nào", "cx": "cũng", "cg": "cũng",
    "mn": "mọi người", "mng": "mọi người", "mk": "mình", "ng": "người", "ngta": "người ta",
    "bt": "biết", "bik": "biết", "bít": "biết", "trc": "trước", "r": "rồi", "ms": "mới",
    "nhg": "nhưng", "nhưg": "nhưng", "ns": "nói", "lm": "làm", "thik": "thích", "iu": "yêu",
    "nhìu": "nhiều", "wá": "quá", "qá": "quá", "h": "giờ", "bh": "bây giờ", "z": "vậy",
    "zậy": "vậy", "v": "vậy", "tks": "cảm ơn", "thanks": "cảm ơn", "thx": "cảm ơn",
    "cty": "công ty", "tk": "tài khoản", "mxh": "mạng xã hội", "fb": "facebook",
    "ae": "anh em", "ad": "quản trị viên", "sđt": "số điện thoại", "sdt": "số điện thoại",
    "vn": "việt nam", "tp": "thành phố", "nt": "nhắn tin", "ib": "nhắn tin", "rep": "trả lời",
    "vl": "vãi", "bth": "bình thường", "lquan": "liên quan", "kq": "kết quả",
}

# "quáaaa", "hayyyy": three or more of the same letter are one (digits are left alone).
_LETTER_RUN_RE = re.compile(r"([^\W\d_])\1{2,}")
_SPACE_RE = re.compile(r"\s+")


def _expand_teencode(text: str) -> str:
    out: list[str] = []
    for token in text.split():
        key = token.lower()
        # "50k" reaches here as "50 k" (text_normalize splits it): a thousand, not "không".
        if key == "k" and out and out[-1].isdigit():
            out.append(token)
        else:
            out.append(TEENCODE.get(key, token))
    return " ".join(out)


def _canonical_emoji(match: re.Match[str]) -> str:
    """One code point per emoji: word_tokenize would split a ZWJ sequence, skin tone or
    variation selector into separate tokens. 🤷‍♀️ -> 🤷, 👍🏽 -> 👍; a flag keeps both regional
    indicators and is re-joined after segmentation."""
    found = match.group(0)
    return f" {found if _FLAG_RE.fullmatch(found) else found[0]} "


def _join_flags(tokens: list[str]) -> list[str]:
    joined: list[str] = []
    for token in tokens:
        if joined and _REGIONAL_RE.fullmatch(token) and _REGIONAL_RE.fullmatch(joined[-1]):
            joined[-1] += token
        else:
            joined.append(token)
    return joined


def _split_special_token(token: str) -> list[str]:
    """word_tokenize joins neighbours with "_" ("😀_😀", "URL_MENTION", "xem_URL"); emoji and
    placeholders stay tokens of their own."""
    if "_" not in token:
        return [token]
    parts = token.split("_")
    if _HAS_EMOJI_RE.search(token) or any(part in PLACEHOLDERS for part in parts):
        return [part for part in parts if part]
    return [token]


def _lower(token: str) -> str:
    return token if token in PLACEHOLDERS else token.lower()


def preprocess(text: str) -> str:
    """Raw text -> lower-case, word-segmented tokens joined by spaces ("an_ninh_mạng")."""
    from underthesea import text_normalize, word_tokenize

    text = clean(text)  # NFC first: every regex below assumes composed characters
    if not text:
        return ""
    # Mask before text_normalize, which splits "@name" and the punctuation inside URLs.
    text = _URL_RE.sub(f" {URL_TOKEN} ", text)
    text = _MENTION_RE.sub(f" {MENTION_TOKEN} ", text)
    text = _EMOTICON_RE.sub(lambda m: f" {_EMOTICONS[m.group(1).lower()]} ", text)
    text = _EMOJI_RE.sub(_canonical_emoji, text)
    text = _LETTER_RUN_RE.sub(r"\1", text)
    text = text_normalize(_SPACE_RE.sub(" ", text).strip())
    # After text_normalize, punctuation is split off ("ko," -> "ko ,") so tokens match the map;
    # before word_tokenize, so "không được" can be segmented like any other words.
    text = _expand_teencode(text)
    # Segment before lower-casing: underthesea's CRF uses capitalisation ("Hòa Bình").
    tokens = word_tokenize(text, format="text").split()
    parts = _join_flags([part for token in tokens for part in _split_special_token(token)])
    return " ".join(_lower(part) for part in parts)


_SENTENCE_END_RE = re.compile(r"(?<=[.!?…])\s+")


def split_sentences(text: str) -> list[str]:
    """Sentences of one paragraph: split after . ! ? … followed by white space."""
    return [part.strip() for part in _SENTENCE_END_RE.split(text) if part.strip()]


def chunks(text: str, max_words: int = 200) -> list[str]:
    """Split ``text`` into pieces of at most ``max_words`` words, keeping paragraphs whole when
    they fit and sentences whole when a paragraph does not. A single sentence longer than
    ``max_words`` is cut by words. Empty text gives no chunks."""
    if max_words < 1:
        raise ValueError("max_words must be at least 1")
    pieces: list[str] = []
    for paragraph in (line.strip() for line in text.splitlines()):
        if not paragraph:
            continue
        if len(paragraph.split()) <= max_words:
            pieces.append(paragraph)
            continue
        for sentence in split_sentences(paragraph):
            words = sentence.split()
            pieces.extend(
                " ".join(words[start:start + max_words])
                for start in range(0, len(words), max_words)
            )
    # Greedily merge neighbouring pieces up to max_words: short paragraphs (a dateline, a
    # one-line quote) carry too little text to be classified on their own.
    merged: list[str] = []
    size = 0
    for piece in pieces:
        words = len(piece.split())
        if merged and size + words <= max_words:
            merged[-1] = f"{merged[-1]}\n{piece}"
            size += words
        else:
            merged.append(piece)
            size = words
    return merged
