"""The CLI through click's runner: exit codes, one-line errors, JSON output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from phuxanh.cli import EXIT_CONFIG, EXIT_ERROR, main


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def write_jsonl(path: Path, rows: list[object]) -> Path:
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n",
                    encoding="utf-8")
    return path


ROWS = [
    {"url": "https://baomau.vn/a.html", "source": "vnexpress", "title": "Quán triệt Chỉ thị 57",
     "text": "Hội nghị quán triệt Chỉ thị số 57-CT/TW về an ninh mạng.",
     "published_at": "2026-03-08T23:30:00+07:00"},
    {"url": "https://baomau.vn/b.html", "source": "tuoitre", "title": "Giá lúa",
     "text": "Giá lúa tăng.", "published_at": "2026-03-09T00:30:00"},
]


def test_help_lists_every_command() -> None:
    result = run("--help")
    assert result.exit_code == 0
    for command in ("crawl", "classify", "ingest", "stats", "serve", "demo", "search"):
        assert command in result.output


def test_stats_json_on_an_empty_store() -> None:
    result = run("stats", "--json")
    assert result.exit_code == 0
    assert json.loads(result.output) == {
        "total": 0, "unique_stories": 0, "classified": 0, "reviewed": 0, "undated": 0,
        "weekly": []}


def test_ingest_then_stats_and_search(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "items.jsonl", ROWS)
    first = run("ingest", str(path))
    assert first.exit_code == 0, first.output
    assert "2 new" in first.output
    assert "2 unchanged" in run("ingest", str(path)).output
    stats = json.loads(run("stats", "--json").output)
    assert stats["total"] == 2
    assert stats["classified"] == 0
    # Sunday 23:30 and Monday 00:30 in Hà Nội fall in two ISO weeks.
    assert {(row["week"], row["count"]) for row in stats["weekly"]} == {
        ("2026-W10", 1), ("2026-W11", 1)}
    assert all(row["official"] for row in stats["weekly"])  # from sources.yaml
    found = run("search", "chi thi 57 an ninh mang")
    assert "1 matches" in found.output
    assert "Quán triệt Chỉ thị 57" in found.output


def test_ingest_matches_topics_from_config(tmp_path: Path) -> None:
    from phuxanh.config import load_config
    from phuxanh.ingest import read_items

    items = read_items(write_jsonl(tmp_path / "i.jsonl", ROWS), load_config())
    assert items[0].topics == ["chi-thi-57"]
    assert "Chỉ thị số 57-CT/TW" in items[0].matched_terms
    assert items[1].topics == []
    assert items[1].published_at.utcoffset() is not None


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("{not json", "items.jsonl:2: not valid JSON"),
        ('["a list"]', "items.jsonl:2: expected a JSON object"),
        ('{"url": "https://x.vn/a", "source": "x"}', "items.jsonl:2: published_at: Field required"),
        ('{"url": "ftp://x.vn/a", "source": "x", "published_at": "2026-03-01"}',
         "items.jsonl:2: not an http(s) URL"),
    ],
)
def test_a_bad_line_is_named_and_nothing_is_written(
    tmp_path: Path, line: str, expected: str
) -> None:
    path = tmp_path / "items.jsonl"
    path.write_text(json.dumps(ROWS[0], ensure_ascii=False) + "\n" + line + "\n", "utf-8")
    result = CliRunner().invoke(main, ["ingest", str(path)])
    assert result.exit_code == EXIT_ERROR
    assert expected in result.output
    assert "Traceback" not in result.output
    assert json.loads(run("stats", "--json").output)["total"] == 0


def test_missing_input_file(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["ingest", str(tmp_path / "none.jsonl")])
    assert result.exit_code == EXIT_ERROR
    assert "none.jsonl: cannot read" in result.output


def test_config_error_is_one_line_with_exit_code(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PHUXANH_STORE__BACKEND", "mongodb")
    result = CliRunner().invoke(main, ["stats"])
    assert result.exit_code == EXIT_CONFIG
    assert result.output.count("\n") == 1
    assert "PHUXANH_STORE__BACKEND: store.backend" in result.output


def test_data_dir_option_separates_state(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "items.jsonl", ROWS[:1])
    assert run("--data-dir", str(tmp_path / "one"), "ingest", str(path)).exit_code == 0
    other = json.loads(run("--data-dir", str(tmp_path / "two"), "stats", "--json").output)
    assert other["total"] == 0
    assert (tmp_path / "one" / "phuxanh.db").exists()


def test_unknown_source_for_crawl_is_a_config_error() -> None:
    result = CliRunner().invoke(main, ["crawl", "--source", "nope"])
    assert result.exit_code == EXIT_CONFIG
    assert "no source with key 'nope'" in result.output


def test_classify_jsonl_contract(tmp_path: Path) -> None:
    rows = [
        {"id": 1, "title": "Quán triệt Chỉ thị 57",
         "text": "Tỉnh tổ chức hội nghị quán triệt, triển khai hiệu quả Chỉ thị 57 về an ninh "
                 "mạng, nâng cao nhận thức bảo vệ dữ liệu cá nhân cho người dân."},
        {"text": "Nghe nói chỉ thị 57 cho phép công an đọc hết tin nhắn riêng tư của mọi "
                 "người dân, ai bình luận trái chiều sẽ bị bỏ tù."},
    ]
    source = write_jsonl(tmp_path / "in.jsonl", rows)
    out = tmp_path / "out.jsonl"
    result = run("classify", str(source), "-o", str(out))
    assert result.exit_code == 0, result.output
    labelled = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert len(labelled) == 2
    for original, line in zip(rows, labelled, strict=True):
        assert {k: line[k] for k in original} == original  # input fields kept as they were
        assert line["sentiment"]["label"] in {"positive", "neutral", "negative"}
        assert 0.0 <= line["sentiment"]["score"] <= 1.0
        assert line["misinformation"]["label"] in {"likely", "unlikely"}
        assert 0.0 <= line["misinformation"]["score"] <= 1.0
        assert line["model"].startswith(_default_model_name() + "@")
    assert labelled[0]["sentiment"]["reason"]
    assert labelled[1]["misinformation"]["label"] == "likely"
    assert labelled[1]["misinformation"]["narrative_id"]


def test_classify_names_the_bad_line(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text('{"text": "ok"}\n{"title": "no text"}\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["classify", str(source), "-o", str(tmp_path / "o.jsonl")])
    assert result.exit_code == EXIT_ERROR
    assert "in.jsonl:2" in result.output


def no_sources_config(tmp_path: Path) -> Path:
    from phuxanh.config import PACKAGE_CONFIG_DIR

    folder = tmp_path / "cfg"
    folder.mkdir()
    for name in ("default.yaml", "topics.yaml"):
        (folder / name).write_text((PACKAGE_CONFIG_DIR / name).read_text("utf-8"), "utf-8")
    (folder / "sources.yaml").write_text("sources: []\n", "utf-8")
    return folder


def test_run_one_cycle_clusters_and_classifies(tmp_path: Path) -> None:
    folder = no_sources_config(tmp_path)
    data = tmp_path / "data"
    body = ("Hội nghị quán triệt Chỉ thị số 57-CT/TW về an ninh mạng được tổ chức tại tỉnh, "
            "với sự tham gia của cán bộ các sở ngành và địa phương trong toàn tỉnh. " * 3)
    row = {**ROWS[0], "text": body}
    assert run("--config", str(folder), "--data-dir", str(data), "ingest",
               str(write_jsonl(tmp_path / "i.jsonl", [row]))).exit_code == 0
    result = run("--config", str(folder), "--data-dir", str(data), "run", "--cycles", "1")
    assert result.exit_code == 0, result.output
    assert "crawl ok; clustered 1, classified 1" in result.output
    stats = json.loads(run("--config", str(folder), "--data-dir", str(data), "stats",
                           "--json").output)
    assert (stats["classified"], stats["unique_stories"]) == (1, 1)


def test_run_refuses_a_second_run_on_the_same_data(tmp_path: Path) -> None:
    from phuxanh.schedule import run_lock

    folder = no_sources_config(tmp_path)
    with run_lock(tmp_path / "data"):
        result = CliRunner().invoke(main, ["--config", str(folder), "--data-dir",
                                           str(tmp_path / "data"), "run", "--cycles", "1"])
    assert result.exit_code == EXIT_ERROR
    assert "already in progress" in result.output


def _default_model_name() -> str:
    from classify.base import DEFAULT_MODEL_DIR

    config = json.loads((DEFAULT_MODEL_DIR / "config.json").read_text(encoding="utf-8"))
    return str(config["name"])
