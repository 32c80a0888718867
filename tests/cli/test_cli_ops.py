"""The operations commands through click's runner: backup, restore, retention, audit export."""

from __future__ import annotations

import csv
import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from phuxanh.cli import EXIT_ERROR, main
from phuxanh.schema import VN_TZ
from phuxanh.store.sqlite import SQLiteStore

NOW = datetime.now(VN_TZ)


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def write_jsonl(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n",
                    encoding="utf-8")
    return path


def row(n: int, source: str, days_ago: int, title: str = "Chỉ thị 57") -> dict[str, object]:
    return {"url": f"https://{source}.vn/bai-{n}.html", "source": source,
            "title": f"{title} số {n}", "text": "Quán triệt Chỉ thị số 57-CT/TW về an ninh mạng.",
            "published_at": (NOW - timedelta(days=days_ago)).isoformat()}


@pytest.fixture
def ingested(tmp_path: Path) -> Path:
    rows = [row(1, "vnexpress", 3), row(2, "vnexpress", 800),
            row(3, "reddit-vietnam", 400), row(4, "reddit-vietnam", 5),
            row(5, "reddit-vietnam", 900, title="=HYPERLINK(\"http://x\") Chỉ thị 57")]
    result = run("ingest", str(write_jsonl(tmp_path / "items.jsonl", rows)))
    assert result.exit_code == 0, result.output
    assert "5 new" in result.output
    return tmp_path


def test_backup_then_restore_round_trip(ingested: Path) -> None:
    archive = ingested / "backups" / "b.tar.gz"
    result = run("backup", str(archive))
    assert result.exit_code == 0, result.output
    assert f"{archive}: 5 items" in result.output

    fresh = ingested / "fresh"
    result = run("--data-dir", str(fresh), "restore", str(archive))
    assert result.exit_code == 0, result.output
    assert "restored 5 items" in result.output
    stats = json.loads(run("--data-dir", str(fresh), "stats", "--json").output)
    assert stats["total"] == 5

    # Restoring over a store that holds items needs --force.
    refused = run("--data-dir", str(fresh), "restore", str(archive))
    assert refused.exit_code == EXIT_ERROR
    assert "--force" in refused.output and "holds 5 items" in refused.output
    assert run("--data-dir", str(fresh), "restore", "--force", str(archive)).exit_code == 0


def test_backup_errors_are_one_line(ingested: Path) -> None:
    result = run("restore", str(ingested / "no-such-backup"))
    assert result.exit_code == EXIT_ERROR
    assert result.output.startswith("phuxanh: error: ")
    assert "no such backup" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_retention_dry_run_then_real(ingested: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PHUXANH_RETENTION__DAYS", "{social: 365, news: null}")
    dry = run("retention", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "social  kept 365 days" in dry.output and "would delete 2" in dry.output
    assert json.loads(run("stats", "--json").output)["total"] == 5

    real = run("retention")
    assert real.exit_code == 0, real.output
    assert "deleted 2" in real.output
    assert json.loads(run("stats", "--json").output)["total"] == 3
    ids_file = next((ingested / "var" / "retention").glob("*-deleted-ids.tsv"))
    assert len(ids_file.read_text(encoding="utf-8").splitlines()) == 3  # header + 2


def test_audit_export_csv_and_jsonl(ingested: Path) -> None:
    out = ingested / "audit.csv"
    result = run("audit", "export", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert f"{out}: 1 audit entries" in result.output
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["action"] for r in rows] == ["ingest"]
    assert json.loads(rows[0]["details"]) == {"inserted": 5, "updated": 0, "unchanged": 0}

    # The export was recorded; a JSONL export since today sees it.
    lines = ingested / "audit.jsonl"
    today = NOW.strftime("%d/%m/%Y")
    assert run("audit", "export", "-o", str(lines), "--since", today).exit_code == 0
    entries = [json.loads(line) for line in lines.read_text(encoding="utf-8").splitlines()]
    assert [e["action"] for e in entries] == ["ingest", "export"]
    assert entries[1]["target"] == str(out)
    assert entries[1]["details"]["rows"] == 1
    tomorrow = (NOW + timedelta(days=1)).date().isoformat()
    run("audit", "export", "-o", str(lines), "--since", tomorrow)
    assert lines.read_text(encoding="utf-8") == ""


def test_audit_export_defuses_spreadsheet_formulas(ingested: Path) -> None:
    store = SQLiteStore(ingested / "var" / "phuxanh.db")
    store.audit("=cmd|' /C calc'!A0", "login", "+danger", {"reason": "invalid"})
    store.close()
    out = ingested / "audit.csv"
    assert run("audit", "export", "-o", str(out)).exit_code == 0
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    login = next(r for r in rows if r["action"] == "login")
    assert login["actor"] == "'=cmd|' /C calc'!A0"
    assert login["target"] == "'+danger"


def test_audit_export_bad_input(ingested: Path) -> None:
    bad_suffix = run("audit", "export", "-o", str(ingested / "audit.xlsx"))
    assert bad_suffix.exit_code == EXIT_ERROR
    assert "must end in .csv or .jsonl" in bad_suffix.output
    bad_date = run("audit", "export", "-o", str(ingested / "a.csv"), "--since", "31/02/2026")
    assert bad_date.exit_code == EXIT_ERROR
    assert "--since '31/02/2026'" in bad_date.output
    assert not (ingested / "a.csv").exists()
