"""Background callbacks (dashboard/background.py): the weekly report and the exports run as
jobs off the request, driven here over HTTP exactly as Dash's renderer does (start, then poll
with the signed handles), through the login guard and its CSRF check.

What must hold: who a job runs for comes from the session of the request that starts it,
never from the browser; an anonymous caller or a role the callback does not allow starts
nothing; a press user's export holds only their outlets and the audit log names them; a job's
progress and result are readable only by the user who started it."""

from __future__ import annotations

import base64
import csv
import io
import re
from datetime import datetime
from typing import Any

import pytest
from dash import Input, Output

from dashboard import background, ids
from dashboard.app import create_app
from dashboard.auth import current_user, require_role
from dashboard.pages import coverage as coverage_page
from dashboard.pages import report as report_page
from phuxanh.schema import VN_TZ
from phuxanh.users import UserStore

from .test_dashboard_coverage import NOW, SOURCES, article

PASSWORDS = {"lan": "mat-khau-nguoi-xem", "bao": "mat-khau-bao-chi",
             "duyet": "mat-khau-nguoi-duyet", "quantri": "mat-khau-quan-tri"}
ROLES = {"lan": "viewer", "bao": "press", "duyet": "reviewer", "quantri": "admin"}
PRESS_OUTLETS = ["nhandan"]


@pytest.fixture
def users(config: Any) -> UserStore:
    accounts = UserStore.for_config(config, clock=lambda: datetime.now(VN_TZ))
    for name, password in PASSWORDS.items():
        accounts.add_user(name, password, ROLES[name],
                          PRESS_OUTLETS if ROLES[name] == "press" else [])
    return accounts


@pytest.fixture
def app(config: Any, store: Any, users: UserStore) -> Any:
    config.sources = list(SOURCES)
    items = [article("baochinhphu", 1, n) for n in range(3)]
    items += [article("nhandan", 1, n) for n in range(2)]
    items.append(article("diendan", 1, 0, official=False, sentiment="negative"))
    store.upsert(items)
    built = create_app(config, store, users=users, clock=lambda: NOW)
    yield built
    manager(built).wait()  # no job outlives its store


def manager(app: Any) -> background.JobManager:
    found = app._background_manager
    assert isinstance(found, background.JobManager)
    return found


class Browser:
    """A Flask test client that logs in and talks to Dash like its renderer."""

    def __init__(self, app: Any, username: str | None) -> None:
        self.client = app.server.test_client()
        self.end_id = ""
        if username is None:
            return
        page = self.client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert token
        response = self.client.post("/login", data={
            "csrf_token": token.group(1), "username": username,
            "password": PASSWORDS[username]})
        assert response.status_code == 302
        index = self.client.get("/").get_data(as_text=True)  # sets the CSRF cookie too
        end_id = re.search(r'"end_id":\s*"([^"]+)"', index)
        assert end_id, index[:500]
        self.end_id = end_id.group(1)

    def post(self, payload: dict[str, Any], **args: str) -> Any:
        cookie = self.client.get_cookie("_csrf_token")
        headers = {"X-CSRFToken": cookie.value} if cookie is not None else {}
        return self.client.post("/_dash-update-component", json=payload, headers=headers,
                                query_string={"endId": self.end_id, **args})


def payload(app: Any, output: str, values: dict[str, Any]) -> dict[str, Any]:
    """The renderer's request for the callback writing ``output``; ``values`` by component id."""
    spec = app.callback_map[output]

    def filled(dependencies: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{**d, "value": values.get(d["id"])} for d in dependencies]

    component, prop = output.rsplit(".", 1)
    inputs = filled(spec["inputs"])
    return {"output": output, "outputs": {"id": component, "property": prop},
            "inputs": inputs, "state": filled(spec.get("state", [])),
            "changedPropIds": [f"{inputs[0]['id']}.{inputs[0]['property']}"]}


def start(browser: Browser, body: dict[str, Any]) -> dict[str, str]:
    response = browser.post(body)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    handles = response.get_json()
    assert set(handles) >= {"cacheKey", "job"}, handles
    return handles


def poll(browser: Browser, body: dict[str, Any], handles: dict[str, str]) -> Any:
    return browser.post(body, cacheKey=handles["cacheKey"], job=handles["job"])


def finished(app: Any, browser: Browser, body: dict[str, Any],
             handles: dict[str, str]) -> dict[str, Any]:
    """The job's last answer (its result) once it has finished."""
    manager(app).wait()
    response = poll(browser, body, handles)
    assert response.status_code == 200, response.status_code
    return response.get_json()


def sent_file(answer: dict[str, Any], output: str) -> dict[str, Any]:
    component, prop = output.rsplit(".", 1)
    return answer["response"][component][prop]


CSV_EXPORT = f"{coverage_page.DOWNLOAD_CSV}.data"
PDF_DOWNLOAD = f"{report_page.PDF_DOWNLOAD}.data"
PREVIEW = f"{report_page.PREVIEW}.children"


def csv_values(app: Any) -> dict[str, Any]:
    return {coverage_page.EXPORT_CSV: 1, coverage_page.TOPIC: "chi-thi-57",
            coverage_page.WEEKS: 4}


def test_the_report_and_the_exports_are_background_callbacks(app: Any, config: Any) -> None:
    for output in (PREVIEW, PDF_DOWNLOAD, f"{report_page.XLSX_DOWNLOAD}.data", CSV_EXPORT,
                   f"{coverage_page.DOWNLOAD_XLSX}.data"):
        assert app.callback_map[output]["background"]["progress"], output
        sent = next(c for c in app._callback_list if c["output"] == output)  # to the browser
        assert sent["background"] and sent["running"], output
    assert (config.data_dir / background.DIRECTORY).is_dir()  # created on start


def test_an_anonymous_request_starts_no_job(app: Any, store: Any) -> None:
    anonymous = Browser(app, None)
    anonymous.client.get("/login")
    for output, values in ((CSV_EXPORT, csv_values(app)),
                           (PDF_DOWNLOAD, {report_page.PDF_BUTTON: 1})):
        response = anonymous.post(payload(app, output, values))
        assert response.status_code == 401
    assert manager(app).running_jobs() == 0 and not manager(app)._jobs
    assert store.audit_log(limit=5, action="export") == []


def test_a_role_the_callback_does_not_allow_starts_nothing(app: Any) -> None:
    """A background callback limited to reviewers: a viewer's request is refused in the
    request itself (no thread, no work); a reviewer's runs, as the reviewer."""
    ran: list[str] = []

    @require_role("reviewer")
    def reviewers_only(_clicks: Any, progress: Any = None) -> str:
        user = current_user()
        assert user is not None
        ran.append(user.username)
        return f"for {user.username}"

    app.callback(Output("bg-test-out", "children"), Input("bg-test-in", "n_clicks"),
                 prevent_initial_call=True,
                 **background.options("bg-test", ("bg-test-in",), "…"))(
        background.with_progress(reviewers_only))
    body = payload(app, "bg-test-out.children", {"bg-test-in": 1})

    viewer = Browser(app, "lan")
    response = viewer.post(body)
    assert response.status_code in (200, 204)
    assert "cacheKey" not in (response.get_json(silent=True) or {})  # no job handles
    assert not manager(app)._jobs and ran == []

    reviewer = Browser(app, "duyet")
    answer = finished(app, reviewer, body, start(reviewer, body))
    assert answer["response"]["bg-test-out"]["children"] == "for duyet"
    assert ran == ["duyet"]


def test_a_press_users_export_holds_only_their_outlets(app: Any, store: Any) -> None:
    press = Browser(app, "bao")
    body = payload(app, CSV_EXPORT, csv_values(app))
    answer = finished(app, press, body, start(press, body))
    sent = sent_file(answer, CSV_EXPORT)
    rows = list(csv.reader(io.StringIO(base64.b64decode(sent["content"]).decode("utf-8-sig"))))
    assert [row[1] for row in rows[1:]] == PRESS_OUTLETS  # the key column
    entry = store.audit_log(limit=5, action="export")[0]
    assert entry.actor == "bao" and entry.target == sent["filename"]
    assert entry.details["outlets"] == PRESS_OUTLETS and entry.details["restricted"]

    # Everyone else sees every outlet: the restriction is the user's, not the job's.
    viewer = Browser(app, "lan")
    answer = finished(app, viewer, body, start(viewer, body))
    content = base64.b64decode(sent_file(answer, CSV_EXPORT)["content"]).decode("utf-8-sig")
    assert {"baochinhphu", "nhandan"} <= {row[1] for row in csv.reader(io.StringIO(content))}
    assert store.audit_log(limit=1, action="export")[0].actor == "lan"


def test_the_pdf_download_runs_with_progress_and_is_audited(app: Any, store: Any) -> None:
    press = Browser(app, "bao")
    body = payload(app, PDF_DOWNLOAD, {report_page.PDF_BUTTON: 1,
                                       report_page.WEEK: "2026-W12",
                                       report_page.TOPIC: "chi-thi-57"})
    answer = finished(app, press, body, start(press, body))
    sent = sent_file(answer, PDF_DOWNLOAD)
    assert sent["filename"] == "phuxanh-bao-cao-tuan-2026-W12.pdf"
    assert base64.b64decode(sent["content"]).startswith(b"%PDF-")
    # The last step reported before the file: the bar's value and the step's label.
    assert answer["progress"] == {f"{report_page.PDF_JOB}-bar.value": 3,
                                  f"{report_page.PDF_JOB}-step.children": "Bước 3/3: tạo tệp"}
    entry = store.audit_log(limit=1, action="export")[0]
    assert (entry.actor, entry.target) == ("bao", sent["filename"])
    assert entry.details["outlets"] == PRESS_OUTLETS


def test_a_job_is_readable_only_by_the_user_who_started_it(app: Any) -> None:
    admin = Browser(app, "quantri")
    body = payload(app, CSV_EXPORT, csv_values(app))
    handles = start(admin, body)
    manager(app).wait()

    # Another logged-in user replaying the admin's handles, even from the admin's page load
    # (the same endId, so Dash's own signatures check out), gets nothing.
    viewer = Browser(app, "lan")
    viewer.end_id = admin.end_id
    response = poll(viewer, body, handles)
    assert response.status_code == 204 or "response" not in (response.get_json() or {})
    assert "content" not in response.get_data(as_text=True)
    # Nor can they cancel it (the renderer sends oldJob with the next start of a job).
    viewer.post(body, oldJob=handles["job"])
    manager(app).wait()

    def admins() -> list[Any]:
        return [job for job in manager(app)._jobs.values() if job.owner == "quantri"]

    assert [job.cancelled for job in admins()] == [False]
    answer = poll(admin, body, handles).get_json()
    assert sent_file(answer, CSV_EXPORT)["filename"].endswith(".csv")
    assert admins() == []  # collected once, then forgotten


def test_two_users_asking_the_same_thing_never_share_a_job(app: Any) -> None:
    body = payload(app, CSV_EXPORT, csv_values(app))
    press, viewer = Browser(app, "bao"), Browser(app, "lan")
    first, second = start(press, body), start(viewer, body)
    keys = {job.key for job in manager(app)._jobs.values()}
    assert len(keys) == 2
    press_rows = sent_file(finished(app, press, body, first), CSV_EXPORT)["content"]
    viewer_rows = sent_file(finished(app, viewer, body, second), CSV_EXPORT)["content"]
    assert press_rows != viewer_rows


def test_a_disabled_account_cannot_collect_its_result(app: Any, users: UserStore) -> None:
    press = Browser(app, "bao")
    body = payload(app, CSV_EXPORT, csv_values(app))
    handles = start(press, body)
    manager(app).wait()
    users.disable("bao")
    assert poll(press, body, handles).status_code == 401


def test_a_known_error_in_a_job_reaches_the_banner_in_its_own_words(app: Any) -> None:
    viewer = Browser(app, "lan")
    body = payload(app, PREVIEW, {report_page.WEEK: "2026-W99",
                                  report_page.TOPIC: "chi-thi-57"})
    answer = finished(app, viewer, body, start(viewer, body))
    assert "2026-W99" in answer["sideUpdate"][ids.ERROR_MESSAGE]["children"]
    assert answer["sideUpdate"][ids.ERROR_BANNER] == {"hidden": False}


def test_the_page_shows_a_hidden_progress_indicator(app: Any) -> None:
    with app.server.test_request_context("/report"):
        text = str(report_page.layout())
    for prefix in (report_page.PDF_JOB, report_page.XLSX_JOB, report_page.PREVIEW_JOB):
        assert f"id='{prefix}-bar'" in text and f"id='{prefix}-running'" in text
