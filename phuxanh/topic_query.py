"""Topic queries: a small boolean language over phrases, matched like topic terms.

Grammar (keywords are upper case; lower-case ``and``/``or``/``not``/``near`` are plain words)::

    query    := or_expr END
    or_expr  := and_expr ("OR" and_expr)*
    and_expr := near_expr (["AND"] near_expr)*      -- adjacent terms are ANDed
    near_expr:= unary ("NEAR/" n unary)*             -- n: a whole number of words
    unary    := ("NOT" | "-") unary | primary        -- "-" written against its operand: -"x"
    primary  := '"' phrase '"' | word | "(" or_expr ")"

Precedence, tightest first: NOT, NEAR, AND, OR. So ``a OR b c NEAR/2 d AND NOT e`` is
``a OR (b AND (c NEAR/2 d) AND (NOT e))``.

Matching is on the folded word sequence of the text (no case, no diacritics, đ -> d,
punctuation is a word break), exactly like topic terms: ``"57-CT/TW"`` is the three words
``57 ct tw``. A phrase (quoted, or one bare word, which may hold punctuation: ``57-CT/TW``)
matches those words consecutively and only as whole words.

``x NEAR/n y`` matches when an occurrence of ``x`` and one of ``y`` have at most ``n`` other
words between them, in either order, without overlapping (``NEAR/0``: adjacent). Its operands
must be positional: phrases, OR-groups of phrases, or other NEARs (the matched stretch then
runs from the first word of one to the last word of the other).

Parse errors raise :class:`QueryError` (a ValueError) naming the column (1-based, in the
query as written) and what was expected there.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from phuxanh.text import clean, fold

# One class, not "[^\w]+|_+": a run mixing spaces and underscores must give ONE space, as
# word positions are counted by spaces.
_NON_WORD = re.compile(r"[\W_]+")
# Parenthesis nesting beyond this is refused: far past any real query, and it keeps the
# recursive-descent parser clear of Python's recursion limit on hostile input.
MAX_DEPTH = 40

Span = tuple[int, int, tuple[str, ...]]  # first word, one past the last word, leaves in it


def match_form(text: str) -> str:
    """Folded text with every run of punctuation or space turned into one space, padded."""
    return " " + _NON_WORD.sub(" ", fold(text)).strip() + " "


def match_words(text: str) -> list[str]:
    """The folded words of ``text``, split as :func:`match_form` splits them."""
    return _NON_WORD.sub(" ", fold(text)).split()


class QueryError(ValueError):
    def __init__(self, expected: str, column: int, found: str, note: str = "") -> None:
        message = f"expected {expected} at column {column} but found {found}"
        super().__init__(f"{message} ({note})" if note else message)
        self.expected = expected
        self.column = column
        self.found = found


class Document:
    """One item's text prepared once for every topic: the padded folded form, words separated
    by single spaces. Phrase presence is a substring test and phrase positions come from
    counting spaces, both done in C: no per-word Python work, which would cost more than all
    the topics' tests together on a long article."""

    __slots__ = ("_starts", "haystack")

    def __init__(self, *texts: str) -> None:
        # The same as match_form("\n".join(texts)), but folding each text on its own lets
        # the store reuse the folded title and body (phuxanh.text.fold remembers them).
        parts = (_NON_WORD.sub(" ", fold(text)).strip() for text in texts)
        self.haystack = " " + " ".join(part for part in parts if part) + " "
        self._starts: dict[str, list[int]] = {}

    def starts(self, form: str) -> list[int]:
        """Sorted word positions where the phrase with match form ``form`` (" w1 w2 ") starts."""
        cached = self._starts.get(form)
        if cached is not None:
            return cached
        haystack, found = self.haystack, []
        # The word starting right after character `offset` is preceded by as many spaces as
        # there are words before it (the pad counts for the first one).
        position, counted_to = 0, 0
        offset = haystack.find(form)
        while offset >= 0:
            position += haystack.count(" ", counted_to, offset)
            counted_to = offset
            found.append(position)
            offset = haystack.find(form, offset + 1)  # + 1: occurrences may share a space
        self._starts[form] = found
        return found


class _Node:
    __slots__ = ("column",)
    positional = False

    def evaluate(self, doc: Document) -> tuple[bool, tuple[str, ...]]:
        """Whether it matches, and the positive leaves that made it match."""
        raise NotImplementedError

    def spans(self, doc: Document) -> list[Span]:
        raise NotImplementedError  # only positional nodes have spans


class _Phrase(_Node):
    __slots__ = ("form", "text", "words")
    positional = True

    def __init__(self, text: str, words: list[str], column: int) -> None:
        self.text = text
        self.words = tuple(words)
        self.form = " " + " ".join(words) + " "
        self.column = column

    def evaluate(self, doc: Document) -> tuple[bool, tuple[str, ...]]:
        if self.form in doc.haystack:
            return True, (self.text,)
        return False, ()

    def spans(self, doc: Document) -> list[Span]:
        length, leaves = len(self.words), (self.text,)
        return [(start, start + length, leaves) for start in doc.starts(self.form)]


class _Not(_Node):
    __slots__ = ("operand",)

    def __init__(self, operand: _Node, column: int) -> None:
        self.operand = operand
        self.column = column

    def evaluate(self, doc: Document) -> tuple[bool, tuple[str, ...]]:
        # Nothing to highlight: what matched is the absence of the operand.
        return not self.operand.evaluate(doc)[0], ()


class _And(_Node):
    __slots__ = ("operands",)

    def __init__(self, operands: list[_Node], column: int) -> None:
        self.operands = operands
        self.column = column

    def evaluate(self, doc: Document) -> tuple[bool, tuple[str, ...]]:
        leaves: tuple[str, ...] = ()
        for operand in self.operands:
            matched, found = operand.evaluate(doc)
            if not matched:
                return False, ()
            leaves += found
        return True, leaves


class _Or(_Node):
    __slots__ = ("operands", "positional")

    def __init__(self, operands: list[_Node], column: int) -> None:
        self.operands = operands
        self.column = column
        self.positional = all(operand.positional for operand in operands)

    def evaluate(self, doc: Document) -> tuple[bool, tuple[str, ...]]:
        # Every matching branch, not just the first, so all of them can be highlighted.
        matched_any, leaves = False, ()
        for operand in self.operands:
            matched, found = operand.evaluate(doc)
            if matched:
                matched_any, leaves = True, leaves + found
        return matched_any, leaves

    def spans(self, doc: Document) -> list[Span]:
        return [span for operand in self.operands for span in operand.spans(doc)]


class _Near(_Node):
    __slots__ = ("distance", "left", "right")
    positional = True

    def __init__(self, left: _Node, right: _Node, distance: int, column: int) -> None:
        self.left = left
        self.right = right
        self.distance = distance
        self.column = column

    def evaluate(self, doc: Document) -> tuple[bool, tuple[str, ...]]:
        spans = self.spans(doc)
        if not spans:
            return False, ()
        return True, tuple(leaf for span in spans for leaf in span[2])

    def spans(self, doc: Document) -> list[Span]:
        left = self.left.spans(doc)
        if not left:
            return []
        right = self.right.spans(doc)
        if not right:
            return []
        n = self.distance
        by_start = sorted(right, key=lambda span: span[0])
        starts = [span[0] for span in by_start]
        by_end = sorted(right, key=lambda span: span[1])
        ends = [span[1] for span in by_end]
        found: list[Span] = []
        for start, end, leaves in left:
            # Right after: it starts between 0 and n words past our end.
            for i in range(bisect_left(starts, end), bisect_right(starts, end + n)):
                other = by_start[i]
                found.append((start, max(end, other[1]), leaves + other[2]))
            # Right before: it ends between 0 and n words before our start.
            for i in range(bisect_left(ends, start - n), bisect_right(ends, start)):
                other = by_end[i]
                found.append((min(start, other[0]), end, other[2] + leaves))
        return found


@dataclass(frozen=True)
class _Token:
    kind: str  # "(", ")", "AND", "OR", "NOT", "NEAR", "PHRASE", "END"
    column: int
    text: str = ""  # as written
    words: tuple[str, ...] = ()  # PHRASE: folded words
    distance: int = 0  # NEAR

    def describe(self) -> str:
        if self.kind == "END":
            return "end of query"
        return repr(self.text)


_NEAR_RE = re.compile(r"NEAR/([0-9]{1,6})", re.ASCII)
_DELIMITERS = frozenset('()"')


def _phrase_token(text: str, column: int, quoted: bool) -> _Token:
    words = match_words(text)
    if not words:
        shown = f'"{text}"' if quoted else repr(text)
        raise QueryError("a phrase with letters or digits", column, shown)
    return _Token("PHRASE", column, clean(text), tuple(words))


def _tokenize(query: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, length = 0, len(query)
    while i < length:
        char = query[i]
        column = i + 1
        if char.isspace():
            i += 1
        elif char in "()":
            tokens.append(_Token(char, column, char))
            i += 1
        elif char == '"':
            close = query.find('"', i + 1)
            if close < 0:
                raise QueryError("'\"'", length + 1, "end of query",
                                 f"the phrase opened at column {column} is not closed")
            tokens.append(_phrase_token(query[i + 1:close], column, quoted=True))
            i = close + 1
        else:
            end = i
            while end < length and not query[end].isspace() and query[end] not in _DELIMITERS:
                end += 1
            word = query[i:end]
            i = end
            if word in ("AND", "OR", "NOT"):
                tokens.append(_Token(word, column, word))
            elif word == "NEAR" or word.startswith("NEAR/"):
                near = _NEAR_RE.fullmatch(word)
                if near is None:
                    raise QueryError("NEAR/<number of words>", column, repr(word), "e.g. NEAR/3")
                tokens.append(_Token("NEAR", column, word, distance=int(near.group(1))))
            elif word.startswith("-"):
                # "-x" is NOT x; a lone "-" must be written against a phrase or a group.
                tokens.append(_Token("NOT", column, "-"))
                if len(word) > 1:
                    tokens.append(_phrase_token(word[1:], column + 1, quoted=False))
                elif i >= length or query[i] not in '("':
                    found = "end of query" if i >= length else "a space"
                    raise QueryError("a phrase or '(' right after '-'", column + 1, found)
            else:
                tokens.append(_phrase_token(word, column, quoted=False))
    tokens.append(_Token("END", length + 1))
    return tokens


class _Parser:
    def __init__(self, query: str) -> None:
        self.tokens = _tokenize(query)
        self.at = 0
        self.depth = 0

    def peek(self) -> _Token:
        return self.tokens[self.at]

    def take(self) -> _Token:
        token = self.tokens[self.at]
        self.at += 1
        return token

    def parse(self) -> _Node:
        node = self.or_expr()
        token = self.peek()
        if token.kind != "END":
            # Only an unmatched ")" can stop an or_expr early: adjacent terms are ANDed.
            raise QueryError("end of query", token.column, token.describe(),
                             "this ')' closes nothing")
        return node

    def or_expr(self) -> _Node:
        first = self.and_expr()
        operands = [first]
        while self.peek().kind == "OR":
            self.take()
            operands.append(self.and_expr())
        return operands[0] if len(operands) == 1 else _Or(operands, first.column)

    def and_expr(self) -> _Node:
        first = self.near_expr()
        operands = [first]
        while True:
            kind = self.peek().kind
            if kind == "AND":
                self.take()
            elif kind not in ("PHRASE", "NOT", "("):
                break
            operands.append(self.near_expr())
        return operands[0] if len(operands) == 1 else _And(operands, first.column)

    def near_expr(self) -> _Node:
        node = self.unary()
        outer = self.depth
        while self.peek().kind == "NEAR":
            near = self.take()
            # Each NEAR nests the one before it, so a chain counts toward the nesting limit.
            if self.depth >= MAX_DEPTH:
                raise QueryError(f"at most {MAX_DEPTH} levels of parentheses and NEARs",
                                 near.column, near.describe())
            self.depth += 1
            self.check_positional(node, near)
            right = self.unary()
            self.check_positional(right, near)
            node = _Near(node, right, near.distance, node.column)
        self.depth = outer
        return node

    def check_positional(self, node: _Node, near: _Token) -> None:
        if not node.positional:
            raise QueryError(
                "a phrase or an OR of phrases", node.column, "an AND/NOT expression",
                f"{near.text} at column {near.column} compares word positions; "
                "quote multi-word phrases: \"an ninh mạng\"",
            )

    def unary(self) -> _Node:
        # Iterative, so a long run of NOTs cannot exhaust the recursion limit.
        nots: list[_Token] = []
        while self.peek().kind == "NOT":
            nots.append(self.take())
        node = self.primary()
        # NOT NOT x is x: keep at most one, so the tree stays shallow whatever was written.
        return _Not(node, nots[0].column) if len(nots) % 2 else node

    def primary(self) -> _Node:
        token = self.take()
        if token.kind == "PHRASE":
            return _Phrase(token.text, list(token.words), token.column)
        if token.kind == "(":
            if self.depth >= MAX_DEPTH:
                raise QueryError(f"at most {MAX_DEPTH} levels of parentheses and NEARs",
                                 token.column, "'('")
            self.depth += 1
            node = self.or_expr()
            self.depth -= 1
            close = self.take()
            if close.kind != ")":
                raise QueryError("')'", close.column, close.describe())
            return node
        raise QueryError("a phrase, a word or '('", token.column, token.describe())


class Query:
    """A parsed query. Parse once (at config load), evaluate per document."""

    __slots__ = ("_order", "_root", "leaves", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        try:
            self._root = _Parser(text).parse()
        except QueryError as exc:
            # Columns count from the start of the whole query; in a query written over several
            # lines (a YAML block), also say where that is on its line.
            before = text[:exc.column - 1]
            if "\n" in before:
                line, column = before.count("\n") + 1, len(before) - before.rfind("\n")
                exc.args = (f"{exc.args[0]} [line {line}, column {column} of the query]",)
            raise
        self.leaves = tuple(dict.fromkeys(_leaves(self._root)))  # every phrase, as written
        self._order = {leaf: k for k, leaf in enumerate(self.leaves)}

    def evaluate(self, doc: Document) -> tuple[bool, tuple[str, ...]]:
        """Whether ``doc`` matches, and the phrases (as written, in query order, no repeats)
        that made it match, for highlighting. Phrases under NOT are never listed."""
        matched, leaves = self._root.evaluate(doc)
        if not matched:
            return False, ()
        return True, tuple(sorted(set(leaves), key=self._order.__getitem__))

    def matches(self, *texts: str) -> bool:
        return self.evaluate(Document(*texts))[0]

    def __repr__(self) -> str:
        return f"Query({self.text!r})"


def _leaves(root: _Node) -> list[str]:
    """Every phrase in the tree, left to right (iterative: trees may be deep)."""
    found, stack = [], [root]
    while stack:
        node = stack.pop()
        if isinstance(node, _Phrase):
            found.append(node.text)
        elif isinstance(node, _Not):
            stack.append(node.operand)
        elif isinstance(node, _Near):
            stack += [node.right, node.left]
        elif isinstance(node, _And | _Or):
            stack += reversed(node.operands)
    return found


def parse_query(text: str) -> Query:
    """Parse ``text``; raises QueryError (a ValueError) naming the column and what was
    expected there."""
    return Query(text)
