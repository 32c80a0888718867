"""The weekly report (Báo cáo tuần): :mod:`.data` gathers the numbers for one ISO week,
:mod:`.pdf` and :mod:`.xlsx` render them; the dashboard page and ``phuxanh report`` share all
three."""
