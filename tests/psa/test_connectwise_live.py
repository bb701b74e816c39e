"""ConnectWise live mode against a local stub server serving the recorded responses of
scenarios/psa/connectwise (never a real tenant): pull, pagination, retries, clear errors,
and push (dry run, apply, find-deletes, a failure midway)."""

from __future__ import annotations

import base64
import json
import re
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import yaml
from click.testing import Result

from tests.cli.test_cli import assert_no_traceback, run, stderr_of
from tests.scenarios import SCENARIOS

RECORDED = SCENARIOS / "psa" / "connectwise"
MAPPING = RECORDED / "mapping.yaml"
API = "/v4_6_release/apis/3.0"
COMPANY = "northside"
PUBLIC = "pubKEY4u7Yq"
PRIVATE = "privSECRETz9Xw3"
CLIENT_ID = "c0ffee00-1111-2222-3333-444455556666"
GOOD_AUTH = "Basic " + base64.b64encode(f"{COMPANY}+{PUBLIC}:{PRIVATE}".encode()).decode()
KEYS = ["--company", COMPANY, "--public-key", PUBLIC, "--private-key", PRIVATE]
FAST = ["--client-id", CLIENT_ID, "--retry-backoff", "0"]
IMPORT = ["import", "connectwise", "--mapping", MAPPING, "--date", "2026-11-30"]


def _load(name: str) -> list[dict[str, Any]]:
    path = RECORDED / f"{name}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else []


@dataclass
class Seen:
    method: str
    path: str  # relative to the API root
    query: dict[str, str]
    headers: dict[str, str]
    body: Any


@dataclass
class Stub:
    """What the server answers and what it was asked."""

    url: str = ""
    seen: list[Seen] = field(default_factory=list)
    # (method, path) -> answers served first, one per request: (status, headers, body)
    queued: dict[tuple[str, str], list[tuple[int, dict[str, str], Any]]] = field(
        default_factory=dict
    )
    link_headers: bool = False
    found: list[dict[str, Any]] = field(default_factory=list)  # GET entries with objectId=
    next_id: int = 70001

    def queue(self, method: str, path: str, *answers: tuple[int, dict[str, str], Any]) -> None:
        self.queued.setdefault((method, path), []).extend(answers)

    def of(self, method: str, path: str | None = None) -> list[Seen]:
        return [s for s in self.seen if s.method == method and path in (None, s.path)]

    def records(self, path: str, query: dict[str, str]) -> list[dict[str, Any]] | None:
        """The recorded records of an endpoint, None if there is no such endpoint."""
        conditions = query.get("conditions", "")
        fixed = {
            "/system/members": "members",
            "/service/SLAs": "slas",
            "/finance/agreements": "agreements",
            "/schedule/calendars": "calendars",
            "/company/companies": "companies",
        }
        if path in fixed:
            return _load(fixed[path])
        if path == "/service/tickets":
            tickets = _load("tickets") + _load("tickets-2")
            if "closedFlag=false" in conditions:
                tickets = [t for t in tickets if not t.get("closedFlag")]
            return tickets
        if path == "/schedule/entries":
            return self.found if "objectId=" in conditions else _load("schedule-entries")
        child = re.fullmatch(
            r"/(system/members|service/SLAs|schedule/holidayLists|company/companies)/(\d+)/(\w+)",
            path,
        )
        if child is None:
            return None
        parent, key, leaf = child.groups()
        if (parent, leaf) == ("system/members", "skills"):
            return _load(f"member-skills-{key}")
        if (parent, leaf) == ("service/SLAs", "priorities"):
            return _load(f"sla-priorities-{key}")
        if (parent, leaf) == ("schedule/holidayLists", "holidays"):
            return [h for h in _load("holidays") if str(h["holidayList"]["id"]) == key]
        if (parent, leaf) == ("company/companies", "sites"):
            return [s for s in _load("sites") if str(s["company"]["id"]) == key]
        return None


def _handler(stub: Stub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _answer(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
            data = (
                b""
                if body is None
                else (body if isinstance(body, bytes) else json.dumps(body).encode())
            )
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _serve(self) -> None:
            parts = urlsplit(self.path)
            path = parts.path.removeprefix(API)
            query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            body = json.loads(raw) if raw else None
            stub.seen.append(Seen(self.command, path, query, dict(self.headers), body))
            if self.headers.get("Authorization") != GOOD_AUTH or not self.headers.get("clientId"):
                self._answer(401, {"code": "Unauthorized", "message": "Access denied"})
                return
            queued = stub.queued.get((self.command, path))
            if queued:
                status, headers, answer = queued.pop(0)
                self._answer(status, answer, headers)
                return
            if self.command == "GET":
                self._get(path, query)
            elif self.command == "POST" and path == "/schedule/entries":
                stub.next_id += 1
                self._answer(201, {"id": stub.next_id, **(body or {})})
            elif self.command == "PATCH" and re.fullmatch(r"/schedule/entries/\d+", path):
                self._answer(200, {"id": int(path.rsplit("/", 1)[1])})
            elif self.command == "DELETE" and re.fullmatch(r"/schedule/entries/\d+", path):
                self._answer(204, None)
            else:
                self._answer(404, {"code": "NotFound", "message": "no such route"})

        def _get(self, path: str, query: dict[str, str]) -> None:
            records = stub.records(path, query)
            if records is None:
                self._answer(404, {"code": "NotFound", "message": f"{path} not found"})
                return
            page, size = int(query.get("page", 1)), int(query.get("pageSize", 25))
            chunk = records[(page - 1) * size : page * size]
            headers = {}
            if stub.link_headers:
                last = max(1, -(-len(records) // size))

                def link(number: int, rel: str) -> str:
                    to = urlencode({**query, "page": number})
                    return f'<{stub.url}{API}{path}?{to}>; rel="{rel}"'

                links = [link(page + 1, "next")] if page < last else []
                links.append(link(last, "last"))
                headers["Link"] = ", ".join(links)
            self._answer(200, chunk, headers)

        do_GET = do_POST = do_PATCH = do_DELETE = _serve

    return Handler


@pytest.fixture
def stub() -> Iterator[Stub]:
    state = Stub()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _pull(stub: Stub, tmp_path: Path, *extra: str) -> Result:
    return run(*IMPORT, "-o", tmp_path / "day.yaml", "--url", stub.url, *KEYS, *FAST, *extra)


def _scenario(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _everything(result: Result) -> str:
    return result.output + stderr_of(result)


def _no_keys(result: Result) -> None:
    text = _everything(result)
    assert PRIVATE not in text and PUBLIC not in text
    assert base64.b64encode(f"{COMPANY}+{PUBLIC}:{PRIVATE}".encode()).decode() not in text


@pytest.fixture(scope="module")
def direct(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The scenario imported from the recorded folder itself."""
    out = tmp_path_factory.mktemp("direct") / "day.yaml"
    result = run(*IMPORT, RECORDED, "-o", out)
    assert result.exit_code == 0, _everything(result)
    return _scenario(out)


# -- pull ------------------------------------------------------------------------------


def test_a_pull_saves_the_layout_and_imports_as_the_recorded_folder(
    stub: Stub, tmp_path: Path, direct: Any
) -> None:
    result = _pull(stub, tmp_path)
    assert result.exit_code == 0, _everything(result)
    _no_keys(result)
    assert _scenario(tmp_path / "day.yaml") == direct
    saved = tmp_path / "day.responses"
    names = sorted(p.name for p in saved.iterdir())
    assert {"tickets.json", "members.json", "slas.json", "agreements.json", "calendars.json",
            "schedule-entries.json", "companies.json", "pull.json", "member-skills-148.json",
            "sla-priorities-3.json", "holidays-1.json", "sites-250.json"} <= set(names)  # fmt: skip
    about = json.loads((saved / "pull.json").read_text())
    assert about["url"] == stub.url + API and PRIVATE not in json.dumps(about)
    # every request carried the keys, the clientId and ConnectWise's media type
    assert all(s.headers["Authorization"] == GOOD_AUTH for s in stub.seen)
    assert all(s.headers["clientId"] == CLIENT_ID for s in stub.seen)
    assert all("application/vnd.connectwise.com+json" in s.headers["Accept"] for s in stub.seen)
    tickets = stub.of("GET", "/service/tickets")[0].query
    assert tickets["conditions"] == "closedFlag=false" and tickets["pageSize"] == "1000"
    entries = stub.of("GET", "/schedule/entries")[0].query["conditions"]
    assert entries == "dateStart < [2026-12-03T00:00:00Z] and dateEnd > [2026-11-29T00:00:00Z]"
    # children: skills of the active members only, sites of the tickets' companies
    assert {s.path for s in stub.of("GET") if s.path.endswith("/sites")} == {
        f"/company/companies/{c}/sites" for c in (250, 251, 252, 253)
    }
    # a pull re-imports from its folder on its own, as a bug report's attachment would
    again = run(*IMPORT, saved, "-o", tmp_path / "again.yaml")
    assert again.exit_code == 0 and _scenario(tmp_path / "again.yaml") == direct


@pytest.mark.parametrize("links", [False, True], ids=["short-page", "link-header"])
def test_pages_are_followed(stub: Stub, tmp_path: Path, direct: Any, links: bool) -> None:
    stub.link_headers = links
    result = _pull(stub, tmp_path, "--page-size", "5", "--save", tmp_path / "pulled")
    assert result.exit_code == 0, _everything(result)
    assert _scenario(tmp_path / "day.yaml") == direct
    pages = stub.of("GET", "/service/tickets")
    assert [s.query.get("page") for s in pages] == ["1", "2", "3"]  # 13 open tickets, 5 a page
    saved = tmp_path / "pulled"
    assert [
        len(json.loads((saved / n).read_text()))
        for n in ("tickets.json", "tickets-2.json", "tickets-3.json")
    ] == [5, 5, 3]


def test_a_429_with_retry_after_is_retried(stub: Stub, tmp_path: Path, direct: Any) -> None:
    stub.queue("GET", "/system/members", (429, {"Retry-After": "0"}, {"message": "slow down"}))
    result = _pull(stub, tmp_path)
    assert result.exit_code == 0, _everything(result)
    assert len(stub.of("GET", "/system/members")) == 2
    assert _scenario(tmp_path / "day.yaml") == direct


def test_a_500_twice_is_retried(stub: Stub, tmp_path: Path, direct: Any) -> None:
    stub.queue("GET", "/service/SLAs", (500, {}, {"message": "oops"}), (503, {}, None))
    result = _pull(stub, tmp_path)
    assert result.exit_code == 0, _everything(result)
    assert len(stub.of("GET", "/service/SLAs")) == 3
    assert _scenario(tmp_path / "day.yaml") == direct


def test_giving_up_after_the_retries_is_one_line(stub: Stub, tmp_path: Path) -> None:
    stub.queue("GET", "/finance/agreements", *[(502, {}, b"<html>bad gateway</html>")] * 6)
    result = _pull(stub, tmp_path)
    assert result.exit_code == 2
    assert_no_traceback(result)
    assert "GET /finance/agreements: 502: still failing after 5 retries" in stderr_of(result)
    assert not (tmp_path / "day.yaml").exists() and not (tmp_path / "day.responses").exists()


def test_wrong_keys_are_401_exit_2_without_the_key(stub: Stub, tmp_path: Path) -> None:
    wrong = ["--company", COMPANY, "--public-key", PUBLIC, "--private-key", PRIVATE + "x"]
    result = run(*IMPORT, "-o", tmp_path / "d.yaml", "--url", stub.url, *wrong, *FAST)
    assert result.exit_code == 2
    assert_no_traceback(result)
    error = stderr_of(result)
    assert "GET /service/tickets: 401 Unauthorized" in error and "--private-key" in error
    assert error.count("\n") == 1
    _no_keys(result)
    assert PRIVATE + "x" not in _everything(result)


def test_keys_come_from_the_environment(stub: Stub, tmp_path: Path, direct: Any) -> None:
    from click.testing import CliRunner

    from dispatcher.cli import main

    env = {
        "DISPATCH_CW_PUBLIC_KEY": PUBLIC,
        "DISPATCH_CW_PRIVATE_KEY": PRIVATE,
        "DISPATCH_CW_CLIENT_ID": CLIENT_ID,
        "DISPATCH_CW_COMPANY": COMPANY,
    }
    args = [str(a) for a in IMPORT] + ["-o", str(tmp_path / "day.yaml"), "--url", stub.url]
    result = CliRunner().invoke(main, args, env=env)
    assert result.exit_code == 0, _everything(result)
    assert _scenario(tmp_path / "day.yaml") == direct
    missing = CliRunner().invoke(main, args, env={**env, "DISPATCH_CW_PRIVATE_KEY": ""})
    assert missing.exit_code == 2
    assert "--url needs --private-key (or $DISPATCH_CW_PRIVATE_KEY)" in stderr_of(missing)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_connection_refused_is_exit_2(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{_closed_port()}"
    result = run(*IMPORT, "-o", tmp_path / "d.yaml", "--url", url, *KEYS, *FAST)
    assert result.exit_code == 2
    assert_no_traceback(result)
    assert "connection refused" in stderr_of(result)
    assert stderr_of(result).count("\n") == 1  # urllib3's retry warnings stay quiet
    _no_keys(result)


def test_a_404_and_a_non_json_answer_are_explained(stub: Stub, tmp_path: Path) -> None:
    result = _pull(stub, tmp_path, "--url", stub.url + "/wrong")
    assert result.exit_code == 2 and "404 Not Found" in stderr_of(result)
    stub.queue(
        "GET", "/service/tickets", (200, {"Content-Type": "text/html"}, b"<html>login</html>")
    )
    result = _pull(stub, tmp_path)
    assert result.exit_code == 2
    assert "GET /service/tickets: the answer is not JSON" in stderr_of(result)


def test_urls(tmp_path: Path) -> None:
    from dispatcher.errors import InputError
    from dispatcher.psa.connectwise_live import api_base

    assert api_base("https://api-eu.myconnectwise.net") == f"https://api-eu.myconnectwise.net{API}"
    assert (
        api_base(f"https://api-eu.myconnectwise.net{API}/")
        == f"https://api-eu.myconnectwise.net{API}"
    )
    for bad in ("http://api-eu.myconnectwise.net", "api-eu.myconnectwise.net", "https://u:p@host"):
        with pytest.raises(InputError):
            api_base(bad)


def test_a_folder_that_is_not_a_pull_is_not_overwritten(stub: Stub, tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me")
    result = _pull(stub, tmp_path, "--save", mine)
    assert result.exit_code == 2 and "not a previous pull" in stderr_of(result)
    assert stub.seen == []  # refused before asking anything
    assert (mine / "notes.txt").read_text() == "keep me"
    # a previous pull is replaced whole: no page of it is left behind
    first = _pull(stub, tmp_path, "--page-size", "5")
    assert first.exit_code == 0 and (tmp_path / "day.responses" / "tickets-3.json").exists()
    second = _pull(stub, tmp_path)
    assert second.exit_code == 0 and not (tmp_path / "day.responses" / "tickets-3.json").exists()


# -- push ------------------------------------------------------------------------------

REQUESTS = [
    {"method": "POST", "path": "/schedule/entries", "action": "create", "ticket": "512001", "engineer": "aokafor", "why": "new",
     "body": {"objectId": 512001, "name": "Firewall down", "member": {"id": 148, "identifier": "aokafor"}, "type": {"identifier": "S"},
              "dateStart": "2026-11-30T08:00:00Z", "dateEnd": "2026-11-30T09:00:00Z", "allowScheduleConflictsFlag": True}},
    {"method": "PATCH", "path": "/schedule/entries/9001", "action": "update", "ticket": "512009", "engineer": "spatel", "why": "moved",
     "body": [{"op": "replace", "path": "dateStart", "value": "2026-11-30T11:00:00Z"},
              {"op": "replace", "path": "dateEnd", "value": "2026-11-30T12:30:00Z"}]},
    {"method": "DELETE", "path": "/schedule/entries/{id}", "action": "delete", "ticket": "512004", "engineer": "dhughes", "why": "gone",
     "find": {"conditions": 'objectId=512004 and type/identifier="S" and member/id=149 and dateStart=[2026-11-30T10:00:00Z]'}},
    {"method": "DELETE", "path": "/schedule/entries/9003", "action": "delete", "ticket": "512005", "engineer": "dhughes", "why": "gone"},
]  # fmt: skip


def _requests_file(tmp_path: Path, requests: list[dict[str, Any]] = REQUESTS) -> Path:
    path = tmp_path / "req.json"
    document = {"format": "dispatch-psa-requests/1", "psa": "connectwise", "requests": requests}
    path.write_text(json.dumps(document, indent=2))
    return path


def _push(stub: Stub, file: Path, *extra: str) -> Result:
    return run("push", "connectwise", file, "--url", stub.url, *KEYS, *FAST, *extra)


def test_a_dry_run_sends_nothing(stub: Stub, tmp_path: Path) -> None:
    file = _requests_file(tmp_path)
    for flags in ((), ("--dry-run",)):
        result = _push(stub, file, *flags)
        assert result.exit_code == 0, _everything(result)
        lines = result.output.splitlines()
        assert lines[0].startswith("dry run: would send 4 request(s)") and len(lines) == 5
        assert "POST /schedule/entries  create ticket 512001 for aokafor" in lines[1]
    assert stub.seen == []
    assert not (tmp_path / "req.receipt.json").exists()
    _no_keys(result)


def test_apply_sends_each_request_and_writes_a_receipt(stub: Stub, tmp_path: Path) -> None:
    stub.found = [{"id": 9100, "objectId": 512004}]
    file = _requests_file(tmp_path)
    result = _push(stub, file, "--apply")
    assert result.exit_code == 0, _everything(result)
    _no_keys(result)
    sent = [(s.method, s.path) for s in stub.seen]
    assert sent == [
        ("POST", "/schedule/entries"),
        ("PATCH", "/schedule/entries/9001"),
        ("GET", "/schedule/entries"),  # the find, before its delete
        ("DELETE", "/schedule/entries/9100"),
        ("DELETE", "/schedule/entries/9003"),
    ]
    assert stub.seen[0].body == REQUESTS[0]["body"]
    assert stub.seen[1].body == REQUESTS[1]["body"]
    assert stub.seen[2].query["conditions"] == REQUESTS[2]["find"]["conditions"]
    assert all(s.headers["Authorization"] == GOOD_AUTH for s in stub.seen)
    assert stub.seen[0].headers["Content-Type"] == "application/json"
    receipt = json.loads((tmp_path / "req.receipt.json").read_text())
    assert receipt["complete"] is True and receipt["requests"] == "req.json"
    results = [(r["outcome"], r["status"], r["entry"]) for r in receipt["results"]]
    assert results == [
        ("sent", 201, 70002),
        ("sent", 200, 9001),
        ("sent", 204, 9100),
        ("sent", 204, 9003),
    ]


def test_a_failure_midway_stops_and_says_what_was_sent(stub: Stub, tmp_path: Path) -> None:
    stub.queue(
        "PATCH",
        "/schedule/entries/9001",
        (400, {}, {"code": "InvalidObject", "message": "dateEnd is before dateStart"}),
    )
    file = _requests_file(tmp_path)
    result = _push(stub, file, "--apply")
    assert result.exit_code == 2
    assert_no_traceback(result)
    error = stderr_of(result)
    assert "request 2 failed" in error and "dateEnd is before dateStart" in error
    assert "request 1 was sent, requests 3-4 were not sent (receipt:" in error
    assert error.count("\n") == 1  # one line, not urllib3's log
    assert [s.method for s in stub.seen] == ["POST", "PATCH"]
    receipt = json.loads((tmp_path / "req.receipt.json").read_text())
    assert receipt["complete"] is False
    assert [r["outcome"] for r in receipt["results"]] == ["sent", "failed", "not sent", "not sent"]
    assert receipt["results"][1]["status"] == 400
    _no_keys(result)


def test_a_find_that_matches_nothing_fails_before_deleting(stub: Stub, tmp_path: Path) -> None:
    file = _requests_file(tmp_path, REQUESTS[2:3])
    result = _push(stub, file, "--apply")
    assert result.exit_code == 2
    assert "no schedule entry where objectId=512004" in stderr_of(result)
    assert [s.method for s in stub.seen] == ["GET"]


def test_a_write_is_retried_only_when_it_was_not_applied(stub: Stub, tmp_path: Path) -> None:
    stub.queue("POST", "/schedule/entries", (429, {"Retry-After": "0"}, None))
    result = _push(stub, _requests_file(tmp_path, REQUESTS[:1]), "--apply")
    assert result.exit_code == 0, _everything(result)
    assert len(stub.of("POST")) == 2
    stub.seen.clear()
    stub.queue("POST", "/schedule/entries", (500, {}, {"message": "boom"}))
    result = _push(stub, _requests_file(tmp_path, REQUESTS[:1]), "--apply")
    assert result.exit_code == 2 and len(stub.of("POST")) == 1  # a 500 may have created it


def test_a_requests_file_touches_only_schedule_entries(stub: Stub, tmp_path: Path) -> None:
    bad = [{"method": "DELETE", "path": "/company/companies/250", "action": "delete"}]
    result = _push(stub, _requests_file(tmp_path, bad), "--apply")
    assert result.exit_code == 2 and "only schedule entries are pushed" in stderr_of(result)
    assert stub.seen == []
