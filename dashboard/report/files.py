"""``phuxanh report``: the weekly report written to files, the same bytes the dashboard's
download buttons give."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from dashboard.data import DashboardData, record_export
from dashboard.i18n import translator
from dashboard.report.data import build_report, last_complete_week, parse_week
from phuxanh.errors import InputError

if TYPE_CHECKING:
    from phuxanh.config import Config
    from phuxanh.store.base import Store

FORMATS = ("pdf", "xlsx")


def write_report(config: Config, store: Store, week: str | None, out_dir: Path,
                 formats: Sequence[str] = FORMATS, topic: str | None = None,
                 actor: str = "cli", today: date | None = None) -> list[Path]:
    """Write the report for ``week`` (default: the last complete week) into ``out_dir`` as
    ``phuxanh-bao-cao-tuan-2026-W12.pdf`` / ``.xlsx``; each file is audited as an export."""
    from dashboard.report.pdf import render_pdf  # ReportLab only when a PDF is asked for
    from dashboard.report.xlsx import render_xlsx

    unknown = [kind for kind in formats if kind not in FORMATS]
    if unknown:
        raise InputError(f"unknown report format {unknown[0]!r} (choose from pdf, xlsx)")
    data = DashboardData(store, ttl_seconds=0)
    monday = parse_week(week) if week else last_complete_week(today or data.today())
    report = build_report(data, config, monday, topic)
    t = translator(config.dashboard.language)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"{out_dir}: cannot create the output folder ({exc})") from None
    written = []
    for kind in formats:
        content = render_pdf(report, t) if kind == "pdf" else render_xlsx(report, t)
        path = out_dir / f"{report.filename_stem}.{kind}"
        record_export(data, actor, path.name, {"page": "cli", "format": kind,
                                               "week": report.key, "topic": report.topic})
        try:
            path.write_bytes(content)
        except OSError as exc:
            raise InputError(f"{path}: cannot write the report ({exc})") from None
        written.append(path)
    return written
