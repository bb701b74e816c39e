"""ConnectWise PSA live: pull the saved responses from a tenant's REST API, push requests.

``Client`` talks to ``https://<site>/v4_6_release/apis/3.0`` with an API member's keys
(Basic auth ``company+publicKey:privateKey`` and the ``clientId`` header). Reads retry on
429 and 5xx (urllib3's ``Retry``, honouring ``Retry-After``, with exponential backoff);
writes retry only when the request was certainly not applied (a 429, a 503 with
``Retry-After``, a connection that was never made), so a create is never sent twice.

``pull`` reads every endpoint of ``connectwise.ENDPOINTS`` (pages of ``pageSize``, the
``Link`` header's ``rel="next"`` followed when there is one) and saves the answers in the
folder layout ``read_connectwise`` reads: ``tickets.json``, ``tickets-2.json``, ...,
``member-skills-<memberId>.json`` (all pages of a child endpoint in one file, since the
file name carries the parent's id), plus ``pull.json`` saying what was asked (never the
keys). ``push`` sends a ``dispatch export --format connectwise`` requests document in
order and stops at the first failure.

Every failure is an ``InputError`` (one line, exit 2) naming the request; the keys are
never part of a message.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from dispatcher.errors import InputError
from dispatcher.psa.connectwise import ENDPOINTS
from dispatcher.psa.responses import ident

API_PATH = "/v4_6_release/apis/3.0"
ACCEPT = "application/vnd.connectwise.com+json; version=2022.1"
PAGE_SIZE = 1000  # ConnectWise's largest page
MAX_PAGES = 10_000  # a server that never stops paging is a bug, not a tenant
RETRIES = 5
CONNECT_RETRIES = 2  # a wrong --url should not take a minute to say so
BACKOFF = 0.5  # seconds: urllib3 waits 0, 1, 2, 4, ... (x 2 * BACKOFF) between tries
RETRY_AFTER_MAX = 120  # seconds: a longer Retry-After is cut to this
TIMEOUT = (10.0, 120.0)  # seconds: to connect, and between bytes of the answer
READ_RETRY_STATUSES = (429, 500, 502, 503, 504)
ENTRIES = "/schedule/entries"
PULL_FILE = "pull.json"
PULL_FORMAT = "dispatch-connectwise-pull/1"
REQUESTS_FORMAT = "dispatch-psa-requests/1"
RECEIPT_FORMAT = "dispatch-psa-receipt/1"
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}
_ENTRY_PATH = re.compile(r"^/schedule/entries(/\d+)?$")
_ID = re.compile(r"^\d{1,18}$")

Record = dict[str, Any]


@dataclass(frozen=True)
class Credentials:
    """An API member's keys; ``repr`` never shows them."""

    company: str
    public_key: str = field(repr=False)
    private_key: str = field(repr=False)
    client_id: str = field(repr=False)

    def secrets(self) -> list[str]:
        return [s for s in (self.public_key, self.private_key) if s]


class RequestFailed(InputError):
    """A request ConnectWise answered with an error status (``status``), or that got no
    answer (``status`` None)."""

    def __init__(self, where: str, message: str, status: int | None = None) -> None:
        super().__init__(InputError.single(where, message).issues)
        self.status = status


def api_base(url: str) -> str:
    """``https://api-eu.myconnectwise.net`` -> ``.../v4_6_release/apis/3.0`` (kept when it is
    there already). Plain http only to this machine: the keys never cross a network in
    clear text."""
    text = url.strip().rstrip("/")
    parts = urlsplit(text)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise InputError.single(
            "--url", "give the site as https://HOST (api-eu.myconnectwise.net, say)"
        )
    if parts.scheme == "http" and parts.hostname not in LOCAL_HOSTS:
        raise InputError.single("--url", "use https: the keys must not travel in clear text")
    if parts.query or parts.fragment or parts.username or parts.password:
        raise InputError.single("--url", "give only https://HOST[/path], no query or login")
    path = parts.path
    if not path.endswith(API_PATH):
        path += API_PATH
    return f"{parts.scheme}://{parts.netloc}{path}"


class _Retry(Retry):
    """urllib3's ``Retry`` with a ``Retry-After`` no longer than ``RETRY_AFTER_MAX``."""

    def get_retry_after(self, response: Any) -> float | None:
        after = super().get_retry_after(response)
        return None if after is None else min(after, RETRY_AFTER_MAX)


def _session(credentials: Credentials, retry: Retry) -> requests.Session:
    session = requests.Session()
    adapter = HTTPAdapter(max_retries=retry)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    session.auth = (f"{credentials.company}+{credentials.public_key}", credentials.private_key)
    session.headers.update(
        {"clientId": credentials.client_id, "Accept": ACCEPT, "User-Agent": "msp-dispatch"}
    )
    return session


class Client:
    """GET with pagination, and the writes of ``push``, against one ConnectWise site."""

    def __init__(
        self,
        url: str,
        credentials: Credentials,
        *,
        page_size: int = PAGE_SIZE,
        retries: int = RETRIES,
        backoff: float = BACKOFF,
        timeout: tuple[float, float] = TIMEOUT,
    ) -> None:
        self.base = api_base(url)
        self.credentials = credentials
        self.page_size = page_size
        self.retries = retries
        self.timeout = timeout
        self._reads = _session(
            credentials,
            _Retry(
                total=retries,
                connect=min(retries, CONNECT_RETRIES),
                read=retries,
                status=retries,
                other=0,
                redirect=0,
                allowed_methods=frozenset({"GET"}),
                status_forcelist=READ_RETRY_STATUSES,
                backoff_factor=backoff,
                raise_on_status=False,
                respect_retry_after_header=True,
            ),
        )
        # A write is tried again only when it was certainly not applied: no connection
        # made, or a 429 (or a 503 with Retry-After); never after a lost answer.
        self._writes = _session(
            credentials,
            _Retry(
                total=retries,
                connect=min(retries, CONNECT_RETRIES),
                read=0,
                status=retries,
                other=0,
                redirect=0,
                allowed_methods=frozenset({"POST", "PATCH", "DELETE"}),
                status_forcelist=(429,),
                backoff_factor=backoff,
                raise_on_status=False,
                respect_retry_after_header=True,
            ),
        )

    def close(self) -> None:
        self._reads.close()
        self._writes.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- sending ---------------------------------------------------------------------

    def _scrub(self, text: str) -> str:
        for secret in self.credentials.secrets():
            text = text.replace(secret, "***")
        return text

    def _fail(self, where: str, message: str, status: int | None = None) -> RequestFailed:
        return RequestFailed(self._scrub(where), self._scrub(message), status)

    def send(
        self,
        method: str,
        path_or_url: str,
        params: Mapping[str, str | int] | None = None,
        body: Any = None,
    ) -> requests.Response:
        """One request (with its retries); a 2xx answer, else InputError naming it."""
        url = path_or_url if "://" in path_or_url else self.base + path_or_url
        where = f"{method} {self._relative(url)}"
        session = self._reads if method == "GET" else self._writes
        try:
            response = session.request(
                method,
                url,
                params=params,
                json=body,
                timeout=self.timeout,
                allow_redirects=False,
            )
        except requests.exceptions.RequestException as exc:
            raise self._fail(where, self._network_problem(exc, method)) from None
        if 200 <= response.status_code < 300:
            return response
        raise self._fail(where, self._status_problem(response, method), response.status_code)

    def _relative(self, url: str) -> str:
        return url[len(self.base) :] if url.startswith(self.base) else url

    def _network_problem(self, exc: requests.exceptions.RequestException, method: str) -> str:
        host = urlsplit(self.base).netloc
        causes = list(_causes(exc))
        unsure = (
            ""
            if method == "GET"
            else "; it may or may not have been applied: look in ConnectWise before pushing again"
        )
        if isinstance(exc, requests.exceptions.SSLError):
            return f"TLS with {host} failed (a proxy or a wrong --url?)"
        if isinstance(exc, requests.exceptions.ConnectTimeout):
            return f"cannot connect to {host}: timed out, {CONNECT_RETRIES} retries too"
        if isinstance(exc, requests.exceptions.ReadTimeout):
            return f"{host} did not answer within {self.timeout[1]:g}s{unsure}"
        if any(isinstance(c, ConnectionRefusedError) for c in causes):
            return f"cannot connect to {host}: connection refused (is --url right?)"
        if any(type(c).__name__ in {"NameResolutionError", "gaierror"} for c in causes):
            return f"cannot connect to {host}: no such host (is --url right?)"
        if isinstance(exc, requests.exceptions.ConnectionError):
            return f"the connection to {host} failed ({_kind(causes)}){unsure}"
        return f"the request failed ({type(exc).__name__}){unsure}"

    def _status_problem(self, response: requests.Response, method: str) -> str:
        status = response.status_code
        said = _server_message(response)
        said = f" (ConnectWise: {said})" if said else ""
        if status == 401:
            return (
                "401 Unauthorized: ConnectWise refused the API keys; check --company, "
                "--public-key and --private-key (or DISPATCH_CW_PUBLIC_KEY, "
                "DISPATCH_CW_PRIVATE_KEY)" + said
            )
        if status == 403:
            verb = "read" if method == "GET" else "change"
            return (
                f"403 Forbidden: the API member's security role may not {verb} this; "
                "check its role in ConnectWise (and --client-id)" + said
            )
        if status == 404:
            return (
                "404 Not Found: no such endpoint or record here (is --url the site, "
                f"https://HOST, the API being under {API_PATH}?)" + said
            )
        if 300 <= status < 400:
            return f"{status}: redirected to {response.headers.get('Location', '?')}: check --url"
        retried = status in READ_RETRY_STATUSES if method == "GET" else status == 429
        if retried:
            return f"{status}: still failing after {self.retries} retries; try again later" + said
        return f"{status} {response.reason or ''}".rstrip() + said

    def json(self, response: requests.Response, where: str) -> Any:
        try:
            return response.json()
        except ValueError:
            kind = response.headers.get("Content-Type", "no Content-Type").split(";")[0]
            raise self._fail(
                where,
                f"the answer is not JSON ({kind}, {len(response.content)} bytes): "
                "is --url the ConnectWise API site?",
            ) from None

    # -- reading ---------------------------------------------------------------------

    def pages(self, path: str, conditions: str | None = None) -> list[list[Record]]:
        """Every page of a list endpoint: ``page`` and ``pageSize``, following the
        ``Link`` header's ``rel="next"`` when the server sends one, else asking for the
        next page while pages come back full."""
        params: dict[str, str | int] = {"page": 1, "pageSize": self.page_size}
        if conditions:
            params["conditions"] = conditions
        url: str = self.base + path
        query: dict[str, str | int] | None = params
        out: list[list[Record]] = []
        while True:
            where = f"GET {path}"
            response = self.send("GET", url, query)
            records = self.json(response, where)
            if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
                raise self._fail(where, "expected a JSON list of records")
            out.append(records)
            following = response.links.get("next", {}).get("url")
            if following:
                url, query = self._same_site(following, where), None
            elif "link" in response.headers or len(records) < self.page_size:
                return out
            else:
                params["page"] = len(out) + 1
                url, query = self.base + path, params
            if not records or len(out) >= MAX_PAGES:
                return out

    def _same_site(self, url: str, where: str) -> str:
        """A ``Link`` is followed only to this site's API: the keys go nowhere else."""
        target = url if "://" in url else self.base + url
        if not target.startswith(self.base + "/"):
            raise self._fail(where, f"the Link header points elsewhere ({url[:80]}): stopped")
        return target


def _causes(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    todo: list[BaseException] = [exc]
    while todo:
        current = todo.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        todo += [a for a in current.args if isinstance(a, BaseException)]
        for attribute in ("reason", "__cause__", "__context__"):
            found = getattr(current, attribute, None)
            if isinstance(found, BaseException):
                todo.append(found)


def _kind(causes: Sequence[BaseException]) -> str:
    names = [type(c).__name__ for c in causes if not isinstance(c, requests.RequestException)]
    return names[-1] if names else "no answer"


def _server_message(response: requests.Response) -> str:
    """ConnectWise's ``{"code": ..., "message": ...}`` of an error, cut short."""
    try:
        body = response.json()
    except ValueError:
        return ""
    if not isinstance(body, dict):
        return ""
    parts = [str(body[k]) for k in ("code", "message") if isinstance(body.get(k), str | int)]
    errors = body.get("errors")
    if isinstance(errors, list):
        parts += [str(e.get("message")) for e in errors[:3] if isinstance(e, dict)]
    return ": ".join(parts)[:200]


# -- pull ------------------------------------------------------------------------------


@dataclass
class Pulled:
    """What a pull saved: file name -> records, and what each file was asked for."""

    files: dict[str, list[Record]] = field(default_factory=dict)
    asked: dict[str, dict[str, Any]] = field(default_factory=dict)


def _ids(records: Sequence[Record], *names: str) -> list[str]:
    """The distinct numeric ids ``records`` refer to, in order (anything else is no id:
    it never becomes part of a path)."""
    found: list[str] = []
    for record in records:
        value = ident(record, *names)
        if value is not None and _ID.match(value) and value not in found:
            found.append(value)
    return found


def _stamp(day: dt.date) -> str:
    return f"[{day.isoformat()}T00:00:00Z]"


def pull(
    client: Client,
    day: dt.date,
    days: int,
    progress: Callable[[str], None] = lambda line: None,
) -> Pulled:
    """Every endpoint the importer reads: open tickets, schedule entries from the day
    before the horizon to the day after it (UTC), and the children of the records found."""
    pulled = Pulled()

    def top(name: str, conditions: str | None = None) -> list[Record]:
        pages = client.pages(ENDPOINTS[name], conditions)
        for number, page in enumerate(pages, 1):
            filename = f"{name}.json" if number == 1 else f"{name}-{number}.json"
            pulled.files[filename] = page
            pulled.asked[filename] = {"path": ENDPOINTS[name], "page": number}
            if conditions:
                pulled.asked[filename]["conditions"] = conditions
        records = [record for page in pages for record in page]
        progress(f"pulled {len(records)} {name} ({len(pages)} page(s))")
        return records

    def children(name: str, parents: Sequence[str]) -> None:
        total = 0
        for parent in parents:
            path = ENDPOINTS[name].format(id=parent)
            records = [record for page in client.pages(path) for record in page]
            filename = f"{name}-{parent}.json"
            pulled.files[filename] = records
            pulled.asked[filename] = {"path": path}
            total += len(records)
        progress(f"pulled {total} {name} of {len(parents)} parent(s)")

    tickets = top("tickets", "closedFlag=false")
    members = top("members")
    active = [m for m in members if not m.get("inactiveFlag")]
    children("member-skills", _ids(active, "id"))
    slas = top("slas")
    children("sla-priorities", _ids(slas, "id"))
    top("agreements")
    calendars = top("calendars")
    children("holidays", _ids(calendars, "holidayList"))
    since = day - dt.timedelta(days=1)
    until = day + dt.timedelta(days=days + 1)
    top("schedule-entries", f"dateStart < {_stamp(until)} and dateEnd > {_stamp(since)}")
    top("companies")
    children("sites", _ids(tickets, "company"))
    return pulled


def check_save_folder(folder: Path) -> None:
    """InputError unless ``folder`` is absent, empty or a previous pull: a folder holding
    anything else is refused (its files would mix with the pulled ones)."""
    if folder.exists():
        if not folder.is_dir():
            raise InputError.single(str(folder), "not a folder: give another --save")
        if any(folder.iterdir()) and not _is_pull(folder):
            raise InputError.single(
                str(folder),
                f"not empty and not a previous pull (no {PULL_FILE}): give another --save",
            )


def save_pulled(pulled: Pulled, folder: Path, base: str, day: dt.date) -> None:
    """The responses into ``folder``, replacing a previous pull there whole (after
    ``check_save_folder``)."""
    check_save_folder(folder)
    parent = folder.parent if str(folder.parent) else Path(".")
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=parent))
    except OSError as exc:
        raise InputError.single(str(folder), f"cannot write here: {exc.strerror}") from None
    try:
        for filename, records in pulled.files.items():
            text = json.dumps(records, indent=2, ensure_ascii=False) + "\n"
            (staging / filename).write_text(text, encoding="utf-8")
        about = {
            "format": PULL_FORMAT,
            "url": base,
            "date": day.isoformat(),
            "pulled_at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "files": {
                name: {**asked, "records": len(pulled.files[name])}
                for name, asked in pulled.asked.items()
            },
        }
        (staging / PULL_FILE).write_text(json.dumps(about, indent=2) + "\n", encoding="utf-8")
        os.chmod(staging, 0o777 & ~_umask())
        if folder.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{folder.name}.old.", dir=parent))
            os.rename(folder, old / folder.name)
            os.rename(staging, folder)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.rename(staging, folder)
    except OSError as exc:
        raise InputError.single(str(folder), f"cannot save the responses: {exc}") from None
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _is_pull(folder: Path) -> bool:
    with suppress(OSError, ValueError):
        about = json.loads((folder / PULL_FILE).read_text(encoding="utf-8"))
        return isinstance(about, dict) and about.get("format") == PULL_FORMAT
    return False


# -- push ------------------------------------------------------------------------------


def load_requests(path: Path) -> list[Record]:
    """The requests of a ``dispatch export --format connectwise`` document, checked: only
    schedule entries are touched, whatever the file says."""
    from dispatcher.io.read import decode, read_bytes

    name = str(path)
    try:
        document = json.loads(decode(read_bytes(path, "requests file"), name))
    except json.JSONDecodeError as exc:
        raise InputError.single(
            name,
            f"not JSON ({exc.msg}): push takes the requests file of "
            "dispatch export --format connectwise",
            exc.lineno,
        ) from None
    if not isinstance(document, dict) or document.get("format") != REQUESTS_FORMAT:
        raise InputError.single(
            name, f"not a requests document ({REQUESTS_FORMAT}) of dispatch export"
        )
    if document.get("psa") != "connectwise":
        raise InputError.single(name, f"these requests are for {document.get('psa')!r}", None)
    found = document.get("requests")
    if not isinstance(found, list):
        raise InputError.single(name, "no list of requests", None, "requests")
    for number, request in enumerate(found, 1):
        where = f"requests[{number - 1}]"
        if not isinstance(request, dict):
            raise InputError.single(name, "a request must be an object", None, where)
        method, target = request.get("method"), request.get("path")
        finds = isinstance(request.get("find"), dict)
        if method not in ("POST", "PATCH", "DELETE") or not isinstance(target, str):
            raise InputError.single(
                name, "needs method POST, PATCH or DELETE and a path", None, where
            )
        if finds:
            conditions = request["find"].get("conditions")
            if method != "DELETE" or target != ENTRIES + "/{id}" or not isinstance(conditions, str):
                raise InputError.single(
                    name,
                    "a find is a DELETE of /schedule/entries/{id} with conditions",
                    None,
                    where,
                )
        elif not _ENTRY_PATH.match(target) or (method == "POST") != (target == ENTRIES):
            raise InputError.single(
                name, f"{method} {target[:60]}: only schedule entries are pushed", None, where
            )
    return found


def describe(number: int, request: Record) -> str:
    """One line: what a request does."""
    what = f"{request.get('action', '?')} ticket {request.get('ticket', '?')}"
    engineer = request.get("engineer")
    if engineer:
        what += f" for {engineer}"
    body = request.get("body")
    if isinstance(body, dict) and "dateStart" in body:
        what += f" {body['dateStart']} - {body.get('dateEnd', '?')}"
    elif isinstance(body, list):
        times = {op.get("path"): op.get("value") for op in body if isinstance(op, dict)}
        what += f" to {times.get('dateStart', '?')} - {times.get('dateEnd', '?')}"
    find = request.get("find")
    if isinstance(find, dict):
        what += f" (the entry where {find.get('conditions')})"
    return f"{number:>3}. {request['method']} {request['path']}  {what}"


@dataclass
class Outcome:
    """What became of one request: ``sent``, ``failed`` or ``not sent``."""

    number: int
    request: Record
    outcome: str = "not sent"
    status: int | None = None
    path: str | None = None
    entry: int | str | None = None
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "request": self.number,
            "method": self.request.get("method"),
            "path": self.path or self.request.get("path"),
            "action": self.request.get("action"),
            "ticket": self.request.get("ticket"),
            "engineer": self.request.get("engineer"),
            "outcome": self.outcome,
            "status": self.status,
            "entry": self.entry,
            **({"error": self.error} if self.error else {}),
        }


def push(
    client: Client,
    requests_: Sequence[Record],
    progress: Callable[[str], None] = lambda line: None,
) -> list[Outcome]:
    """Send the requests in order, stopping at the first failure (its outcome says why;
    those after it stay ``not sent``)."""
    outcomes = [Outcome(number, request) for number, request in enumerate(requests_, 1)]
    for outcome in outcomes:
        request = outcome.request
        try:
            path = _resolve(client, request)
            outcome.path = path
            response = client.send(request["method"], path, body=request.get("body"))
        except InputError as error:
            outcome.outcome = "failed"
            outcome.error = str(error.issues[0])
            outcome.status = error.status if isinstance(error, RequestFailed) else None
            progress(f"failed {describe(outcome.number, request)}")
            return outcomes
        except KeyboardInterrupt:
            outcome.outcome = "failed"
            outcome.error = "interrupted: it may or may not have been applied"
            progress(f"stopped {describe(outcome.number, request)}")
            return outcomes
        outcome.outcome = "sent"
        outcome.status = response.status_code
        if request["method"] == "POST":
            with suppress(ValueError):
                created = response.json()
                if isinstance(created, dict) and isinstance(created.get("id"), int | str):
                    outcome.entry = created["id"]
        else:  # the entry moved or deleted
            outcome.entry = _number(path.rsplit("/", 1)[1])
        progress(f"sent   {describe(outcome.number, request)} -> {response.status_code}")
    return outcomes


def _number(text: str) -> int | str:
    return int(text) if text.isdigit() else text


def _resolve(client: Client, request: Record) -> str:
    """The path of a request; a delete by ``find`` looks its entry up first (exactly one
    must match)."""
    find = request.get("find")
    if not isinstance(find, dict):
        return str(request["path"])
    conditions = str(find["conditions"])
    pages = client.pages(ENTRIES, conditions)
    found = [str(r.get("id")) for page in pages for r in page if _ID.match(str(r.get("id")))]
    if len(found) != 1:
        many = "no schedule entry" if not found else f"{len(found)} schedule entries"
        raise InputError.single(
            f"GET {ENTRIES}", f"{many} where {conditions}: expected exactly one to delete"
        )
    return f"{ENTRIES}/{found[0]}"


def receipt(outcomes: Sequence[Outcome], requests_file: Path, base: str) -> dict[str, Any]:
    return {
        "format": RECEIPT_FORMAT,
        "psa": "connectwise",
        "requests": requests_file.name,
        "url": base,
        "sent_at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "complete": all(o.outcome == "sent" for o in outcomes),
        "results": [o.as_dict() for o in outcomes],
    }


def receipt_path(requests_file: Path) -> Path:
    """``req.json`` -> ``req.receipt.json``, beside it."""
    return requests_file.with_name(requests_file.stem + ".receipt.json")
