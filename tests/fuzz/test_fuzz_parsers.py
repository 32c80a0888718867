"""Issue 8, bad input: the date parser, the topic query parser and the config loader, fed
random input. Contracts:

- dates: a value (aware, Vietnam-plausible when judged) or None / a reason; never an exception;
- topic queries: a Query, or QueryError (its own type) with a column inside the query;
  evaluating a parsed query on any text never raises;
- config: a Config, or ConfigError naming the file at fault; nothing else.
"""

from __future__ import annotations

import tempfile
from datetime import datetime, timedelta
from pathlib import Path

import yaml
from hypothesis import given
from hypothesis import strategies as st

from crawlers.extract.dates import date_from_url, parse_date, parse_datetime, parse_relative
from phuxanh.topic_query import Document, Query, QueryError, parse_query

from .conftest import FUZZ, TEXT

NOW = datetime.fromisoformat("2026-03-12T09:00:00+07:00")

DATE_PIECES = st.sampled_from([
    "2026", "26", "03", "3", "12", "31", "30", "29", "02", "00", "99", "-", "/", ":", ".", "T",
    " ", "+07:00", "+0700", "+07", "Z", "GMT+7", "(GMT+7)", "PM", "AM", "SA", "CH", "Thứ ba",
    "thứ 2", "ngày", "tháng", "năm", "lúc", "giờ", "phút", "trước", "hôm qua", "hôm nay",
    "vừa xong", "Tue,", "Mar", "10", "08:15:00", "&amp;#x2B;", "&#43;", "1e9", "９", "٣",
    "99999999999", "-0001", "+19:00", "24:00", "23:59:60",
])
DATE_TEXT = st.one_of(st.lists(DATE_PIECES, max_size=12).map("".join), TEXT)


@FUZZ
@given(DATE_TEXT)
def test_date_parsing_never_raises(text: str) -> None:
    found = parse_datetime(text)
    if found is not None:
        value, has_time = found
        assert isinstance(value, datetime) and isinstance(has_time, bool)
    relative = parse_relative(text, NOW)
    if relative is not None:
        assert relative[0].tzinfo is not None
    judged = parse_date(text, NOW)
    if judged.value is not None:
        assert judged.value.tzinfo is not None
        assert judged.value <= NOW + timedelta(days=1)  # never a future date
        assert not judged.reason
    else:
        assert judged.reason and judged.code


@FUZZ
@given(st.lists(st.one_of(DATE_PIECES, st.sampled_from(["/", "-", ".htm", ".html", "?a=1",
                                                        "#x", "bai"])), max_size=14))
def test_dates_in_urls_never_raise(pieces: list[str]) -> None:
    parsed = date_from_url("https://bao.example.vn/" + "".join(pieces))
    assert parsed.value is None or parsed.value.tzinfo is not None


QUERY_PIECES = st.sampled_from([
    "chỉ", "thị", "57", "57-CT/TW", "an ninh", "mạng", "AND", "OR", "NOT", "NEAR/", "NEAR/2",
    "NEAR/0", "NEAR/x", "NEAR/-1", "NEAR/99999999999999999999", "-", '"', "(", ")", " ", "  ",
    "\n", "and", "or", "not", "đ", "_", "*", "?", ":", "\\", "'", "\t", "((((", "))))",
])
QUERY_TEXT = st.one_of(st.lists(QUERY_PIECES, max_size=16).map("".join), TEXT)


@FUZZ
@given(QUERY_TEXT, TEXT)
def test_topic_queries_parse_or_name_the_column(text: str, document: str) -> None:
    try:
        query, error = parse_query(text), None
    except QueryError as exc:  # only its own error type: anything else fails the test
        query, error = None, exc
    if error is not None:
        assert 1 <= error.column <= len(text) + 1, (error.column, text)
        assert f"column {error.column}" in str(error)
        return
    assert isinstance(query, Query)
    matched, leaves = query.evaluate(Document("Tiêu đề", document))
    assert isinstance(matched, bool)
    assert set(leaves) <= set(query.leaves)


def test_deep_nesting_is_refused_not_a_recursion_error() -> None:
    for text in ("(" * 5000 + "a" + ")" * 5000, "NOT " * 5000 + "a", "- " * 5000 + "a",
                 " NEAR/1 ".join(["a"] * 3000), " OR ".join(["a"] * 20000)):
        try:
            parse_query(text)
        except QueryError as exc:
            error: QueryError | None = exc
        else:
            error = None
        assert error is None or error.column >= 1


# -- config ------------------------------------------------------------------------------------

KEYS = ["data_dir", "crawl", "store", "dashboard", "classify", "topics_file", "sources_file",
        "imports", "submit", "retention", "backend", "port", "host", "weeks", "language",
        "user_agent", "download_delay", "max_age_days", "profiles", "columns", "key", "name",
        "terms", "query", "feeds", "type", "official", "enabled", "sitemaps", "listings",
        "link_pattern", "selector", "password", "token", 1, True]
LEAVES = st.one_of(st.none(), st.booleans(), st.integers(-10**12, 10**12),
                   st.floats(allow_nan=True), TEXT,
                   st.sampled_from(["~nobody-such/x", "a\0b", "../../etc", "/", "",
                                    "http://x", "[a-", "(?P<", "2026-13-45"]))
YAML_DATA = st.recursive(
    LEAVES,
    lambda children: st.one_of(st.lists(children, max_size=4),
                               st.dictionaries(st.sampled_from(KEYS), children, max_size=5)),
    max_leaves=25,
)
FILE_TEXT = st.one_of(
    YAML_DATA.map(lambda data: yaml.safe_dump(data, allow_unicode=True)),
    st.dictionaries(st.sampled_from(KEYS), YAML_DATA, max_size=6).map(
        lambda data: yaml.safe_dump(data, allow_unicode=True)),
    TEXT,
    st.sampled_from(["a: [", "{", "- x\n y: z", "a: *x", "!!python/object:os.system x",
                     "\ufeffa: 1", "a: 1\na: 2", "? [a]\n: b", "topics: []", "sources: 3"]),
)

# A valid file with one field replaced by something random: reaches the checks behind parsing.
VALID_DEFAULT = {"data_dir": "data", "crawl": {"user_agent": "phuxanh-fuzz/0.1",
                                               "download_delay": 1},
                 "dashboard": {"port": 8050}, "store": {"backend": "sqlite"}}
SECTIONS = {"crawl": ["user_agent", "download_delay", "max_age_days", "timeout_seconds",
                      "retry_times", "max_page_bytes", "obey_robots"],
            "dashboard": ["port", "host", "weeks", "language"],
            "store": ["backend", "path"], "classify": ["batch_size", "model_dir"],
            "imports": ["profiles", "reports_dir"]}


@st.composite
def mutated_default(draw: st.DrawFn) -> str:
    data = {key: dict(value) if isinstance(value, dict) else value
            for key, value in VALID_DEFAULT.items()}
    if draw(st.booleans()):
        section = draw(st.sampled_from(sorted(SECTIONS)))
        data.setdefault(section, {})[draw(st.sampled_from(SECTIONS[section]))] = draw(YAML_DATA)
    else:
        data[draw(st.sampled_from(["data_dir", "topics_file", "sources_file", *SECTIONS]))] = (
            draw(YAML_DATA))
    return yaml.safe_dump(data, allow_unicode=True)


SOURCE_FIELDS = ["key", "name", "type", "official", "enabled", "feeds", "sitemaps", "listings",
                 "link_pattern", "province", "selector", "search_query", "channel"]


@st.composite
def mutated_sources(draw: st.DrawFn) -> str:
    source: dict[str, object] = {"key": "bao-fuzz", "name": "Báo", "feeds": ["https://x.vn/r"]}
    for _ in range(draw(st.integers(1, 3))):
        source[draw(st.sampled_from(SOURCE_FIELDS))] = draw(YAML_DATA)
    return yaml.safe_dump({"sources": [source]}, allow_unicode=True)


@st.composite
def mutated_topics(draw: st.DrawFn) -> str:
    topic: dict[str, object] = {"key": "chi-thi-57", "name": "Chỉ thị 57",
                                "terms": ["Chỉ thị 57"]}
    field = draw(st.sampled_from(["key", "name", "terms", "query", "exclude", "aliases"]))
    topic[field] = draw(st.one_of(YAML_DATA, QUERY_TEXT))
    return yaml.safe_dump({"topics": [topic]}, allow_unicode=True)


VALID_TOPICS = ('topics:\n  - key: chi-thi-57\n    name: Chỉ thị 57\n    terms: ["Chỉ thị 57"]\n')


@FUZZ
@given(st.one_of(FILE_TEXT, mutated_default()),
       st.one_of(st.just(VALID_TOPICS), mutated_topics(), FILE_TEXT),
       st.one_of(st.just("sources: []\n"), mutated_sources(), FILE_TEXT),
       st.binary(max_size=30))
def test_random_config_files_load_or_name_the_file(default: str, topics: str, sources: str,
                                                   raw: bytes) -> None:
    from phuxanh.config import Config, load_config
    from phuxanh.errors import ConfigError

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        files = {"default.yaml": default, "topics.yaml": topics, "sources.yaml": sources}
        for name, text in files.items():
            (root / name).write_text(text, encoding="utf-8", errors="surrogatepass")
        if raw and raw[0] % 4 == 0:  # sometimes a file that is not UTF-8 text at all
            (root / "sources.yaml").write_bytes(raw + b"\xff\xfe")
        try:
            config = load_config(root, env={})
        except ConfigError as exc:
            message = str(exc)
            # The file at fault: one of the three, or the topics/sources file default.yaml
            # points to (always inside the config folder).
            assert str(root) in message, message
            return
        assert isinstance(config, Config)


def _write(root: Path, default: str) -> None:
    (root / "default.yaml").write_text(default, encoding="utf-8")
    (root / "topics.yaml").write_text(VALID_TOPICS, encoding="utf-8")
    (root / "sources.yaml").write_text("sources: []\n", encoding="utf-8")


def test_crashes_fuzzing_found_are_now_config_errors(tmp_path: Path) -> None:
    """Found by the fuzzer above (fixed in phuxanh/config.py): a NUL byte in a file name or
    in data_dir raised ValueError, an unknown user in "~user/..." RuntimeError."""
    import pytest

    from phuxanh.config import load_config
    from phuxanh.errors import ConfigError

    cases = {'data_dir: "a\\0b"\n': "data_dir", 'data_dir: "~nobody-such-user/x"\n': "data_dir",
             'topics_file: "a\\0b"\n': "cannot read", 'sources_file: "x\\0"\n': "cannot read"}
    for number, (default, words) in enumerate(cases.items()):
        root = tmp_path / str(number)
        root.mkdir()
        _write(root, default)
        with pytest.raises(ConfigError, match=words) as raised:
            load_config(root, env={})
        assert str(root) in str(raised.value)
