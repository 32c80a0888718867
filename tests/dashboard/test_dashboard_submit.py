"""Gửi đường link: the page's function called directly against a real SQLiteStore and a local
site on 127.0.0.1, and the role check (reviewers and admins only)."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import dash
import flask
import pytest

from dashboard import app as dashboard_app
from dashboard.app import create_app
from dashboard.context import Services
from dashboard.data import DashboardData
from dashboard.i18n import translator
from dashboard.pages import submit
from phuxanh.config import Config, SubmitConfig
from phuxanh.errors import PermissionDenied
from phuxanh.users import UserStore

from .test_dashboard_app import text_of

SITE = Path(__file__).resolve().parents[1] / "fixtures" / "html" / "site"


@pytest.fixture
def site() -> Iterator[str]:
    pages: dict[str, tuple[int, bytes, str]] = {
        "/robots.txt": (200, b"User-agent: *\nDisallow: /noi-bo/\n", "text/plain"),
        "/tai-lieu.pdf": (200, b"%PDF-1.4", "application/pdf"),
    }

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            status, body, kind = pages.get(self.path, (404, b"<html>404</html>", "text/html"))
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    base = f"http://127.0.0.1:{server.server_port}"
    for name in ("chi-thi-57-an-ninh-mang.html", "thoi-tiet.html"):
        html = (SITE / name).read_text("utf-8").replace("{base}", base)
        pages[f"/bai/{name}"] = (200, html.encode(), "text/html; charset=utf-8")
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield base
    finally:
        server.shutdown()
        server.server_close()


@dataclass(frozen=True)
class _Prediction:
    sentiment: str = "positive"
    sentiment_score: float = 0.9
    misinformation: str = "unlikely"
    misinformation_score: float = 0.1
    narrative_id: str | None = None
    reason: str = "tích cực"
    model: str = "keyword-test@1"
    misinformation_reason: str = ""


class PositiveClassifier:
    name_version = "keyword-test@1"

    def predict(self, docs: Sequence[object]) -> list[_Prediction]:
        return [_Prediction() for _ in docs]


@pytest.fixture
def local_config(config: Config) -> Config:
    # The test site's article writes "Chỉ thị số 57-CT/TW".
    topic = config.topics[0].model_copy(update={"terms": ["Chỉ thị 57", "Chỉ thị số 57"]})
    return config.model_copy(update={"submit": SubmitConfig(allow_private_hosts=True),
                                     "topics": [topic, *config.topics[1:]]})


@pytest.fixture
def services(local_config: Config, store: Any) -> Services:
    return Services(config=local_config, data=DashboardData(store), t=translator("vi"))


def links(component: Any) -> list[str]:
    found = [component.href] if getattr(component, "href", None) else []
    children = getattr(component, "children", None)
    if isinstance(children, list | tuple):
        for child in children:
            found += links(child)
    elif children is not None:
        found += links(children)
    return found


def test_a_submitted_link_is_stored_and_linked(services: Services, store: Any,
                                               site: str) -> None:
    view = submit.submit_view(f"{site}/bai/chi-thi-57-an-ninh-mang.html", services, "hoa",
                              classifier=PositiveClassifier())
    text = text_of(view)
    assert "Đã lưu tin mới." in text
    assert "Triển khai Chỉ thị số 57-CT/TW về an ninh mạng" in text
    assert "Khớp chủ đề: Chỉ thị 57-CT/TW về an ninh mạng" in text
    assert "Tích cực" in text
    (entry,) = store.audit_log(action="submit")
    assert entry.actor == "hoa"
    assert f"/item?id={entry.target.replace(':', '%3A')}" in links(view)
    again = submit.submit_view(f"{site}/bai/chi-thi-57-an-ninh-mang.html", services, "lan",
                               classifier=PositiveClassifier())
    assert "đã có trong hệ thống" in text_of(again)


def test_an_off_topic_link_is_stored_and_says_so(services: Services, store: Any,
                                                 site: str) -> None:
    view = submit.submit_view(f"{site}/bai/thoi-tiet.html", services, "hoa",
                              classifier=PositiveClassifier())
    assert "Không khớp chủ đề theo dõi nào" in text_of(view)
    assert "nguồn \"submitted\"" in text_of(view)
    (entry,) = store.audit_log(action="submit")
    assert store.get(entry.target).topics == []


@pytest.mark.parametrize(("path", "expected"), [
    ("/noi-bo/bai.html", "robots.txt"),
    ("/khong-co.html", "Trang trả về lỗi HTTP 404"),
    ("/tai-lieu.pdf", "Không phải trang web (HTML)"),
])
def test_errors_are_shown_in_words(services: Services, store: Any, site: str, path: str,
                                   expected: str) -> None:
    view = submit.submit_view(f"{site}{path}", services, "hoa", classifier=PositiveClassifier())
    assert expected in text_of(view) and f"{site}{path}" in text_of(view)
    assert store.audit_log(action="submit") == []


def test_an_empty_or_odd_url_asks_for_a_link(services: Services) -> None:
    for value in (None, "", "   ", "javascript:alert(1)"):
        assert "Hãy dán một đường link" in text_of(submit.submit_view(value, services, "hoa"))


def test_only_reviewers_and_admins_may_submit(local_config: Config, store: Any,
                                              site: str, monkeypatch: pytest.MonkeyPatch
                                              ) -> None:
    app = create_app(local_config, store, testing=True)
    assert submit in dashboard_app.PAGES
    users = UserStore.for_config(local_config)
    viewer = users.add_user("xem", "mat-khau-nguoi-xem", "viewer")
    press = users.add_user("bao", "mat-khau-nha-bao", "press", ["vnexpress"])
    reviewer = users.add_user("duyet", "mat-khau-nguoi-duyet", "reviewer")
    admin = users.add_user("quantri", "mat-khau-quan-tri", "admin")
    seen: list[str] = []
    monkeypatch.setattr(submit, "submit_view",
                        lambda url, services, who: seen.append(who) or "ok")
    url = f"{site}/bai/chi-thi-57-an-ninh-mang.html"
    for user in (viewer, press):
        with app.server.test_request_context(submit.PATH):
            flask.g.phuxanh_user = user
            assert "Chỉ cán bộ duyệt và quản trị viên" in text_of(submit.layout())
            with pytest.raises(PermissionDenied):
                submit.on_submit(1, None, url)
    assert seen == [] and store.audit_log(action="submit") == []
    for user in (reviewer, admin):
        with app.server.test_request_context(submit.PATH):
            flask.g.phuxanh_user = user
            page = submit.layout()
            assert submit.SUBMIT_BUTTON in str(page)
            assert submit.on_submit(1, None, url) == "ok"
    assert seen == ["duyet", "quantri"]
    assert dash.page_registry["dashboard.pages.submit"]["path"] == submit.PATH


def post_submit(client: Any, url: str) -> dict[str, Any]:
    """The callback as the browser posts it (session cookie and CSRF header)."""
    client.get(submit.PATH)
    token = client.get_cookie("_csrf_token").value
    payload = {
        "output": f"{submit.SUBMIT_RESULT}.children",
        "outputs": {"id": submit.SUBMIT_RESULT, "property": "children"},
        "inputs": [{"id": submit.SUBMIT_BUTTON, "property": "n_clicks", "value": 1},
                   {"id": submit.SUBMIT_URL, "property": "n_submit", "value": None}],
        "changedPropIds": [f"{submit.SUBMIT_BUTTON}.n_clicks"],
        "state": [{"id": submit.SUBMIT_URL, "property": "value", "value": url}],
    }
    response = client.post("/_dash-update-component", json=payload,
                           headers={"X-CSRFToken": token})
    return response.get_json()


def test_over_http_a_reviewer_submits_and_a_viewer_is_refused(
    local_config: Config, store: Any, site: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from phuxanh import submit as submit_module

    from .conftest import login

    monkeypatch.setattr(submit_module, "default_classifier", lambda _config: PositiveClassifier())
    users = UserStore.for_config(local_config)
    users.add_user("duyet", "mat-khau-nguoi-duyet", "reviewer")
    users.add_user("xem", "mat-khau-nguoi-xem", "viewer")
    app = create_app(local_config, store)
    url = f"{site}/bai/chi-thi-57-an-ninh-mang.html"

    viewer = app.server.test_client()
    assert login(viewer, "xem", "mat-khau-nguoi-xem").status_code == 302
    refused = post_submit(viewer, url)
    assert refused["response"] == {}
    assert store.audit_log(action="submit") == []

    reviewer = app.server.test_client()
    assert login(reviewer, "duyet", "mat-khau-nguoi-duyet").status_code == 302
    body = post_submit(reviewer, url)
    shown = str(body["response"][submit.SUBMIT_RESULT]["children"])
    assert "Đã lưu tin mới." in shown
    (entry,) = store.audit_log(action="submit")
    assert entry.actor == "duyet"
