"""Every string the dashboard shows, in Vietnamese (the default) and English.

Pages and figures never hold visible text themselves: they ask a :class:`Translator` for a key,
so a missing translation is a test failure (tests check both catalogues have the same keys), not
an English word on a Vietnamese screen. Numbers are formatted here too, because Vietnamese
writes 1.234,5 where English writes 1,234.5.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from dashboard.i18n import en, vi

Language = Literal["vi", "en"]
DEFAULT_LANGUAGE: Language = "vi"
CATALOGUES: dict[str, dict[str, str]] = {"vi": vi.MESSAGES, "en": en.MESSAGES}


@dataclass(frozen=True)
class Translator:
    lang: Language = DEFAULT_LANGUAGE

    def __call__(self, key: str, **values: object) -> str:
        # A key missing from English falls back to Vietnamese (the reference catalogue); a key
        # missing from both is a programming error and should fail loudly in tests.
        template = CATALOGUES[self.lang].get(key) or vi.MESSAGES[key]
        return template.format(**values) if values else template

    @property
    def separators(self) -> str:
        """Plotly's ``layout.separators``: the decimal mark, then the thousands mark."""
        return ",." if self.lang == "vi" else ".,"

    def integer(self, value: int) -> str:
        text = f"{value:,d}"
        return text.replace(",", ".") if self.lang == "vi" else text

    def decimal(self, value: float, digits: int = 1) -> str:
        text = f"{value:,.{digits}f}"
        if self.lang == "vi":
            text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
        return text

    def percent(self, share: float | None, digits: int = 1) -> str:
        """``share`` in 0..1 as a percentage; None (nothing to divide by) as a dash."""
        if share is None:
            return "–"
        return f"{self.decimal(share * 100, digits)}%"

    def day(self, value: date) -> str:
        """A full date the Vietnamese way (dd/mm/yyyy); English readers here use it too."""
        return value.strftime("%d/%m/%Y")

    def week_label(self, monday: date) -> str:
        """``Tuần 45 (03/11)``: the ISO week number and its Monday, day first."""
        return self("week.label", week=monday.isocalendar().week, date=monday.strftime("%d/%m"))


def translator(lang: str | None) -> Translator:
    """The translator for ``lang``, falling back to Vietnamese for anything unknown."""
    return Translator(lang if lang in CATALOGUES else DEFAULT_LANGUAGE)  # type: ignore[arg-type]
