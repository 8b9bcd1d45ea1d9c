"""`convo serve` lets in only the browser it printed an address for, and a tab leaks nothing to the server.

Most tests drive the aiohttp application in-process with a stand-in tab (a few lines of Python that
speak textual-serve's framing), so they test the guards, not the app; the last few run the command.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytest.importorskip("textual_serve", reason="convo serve needs the serve extra")
from aiohttp import WSServerHandshakeError
from aiohttp.test_utils import TestClient, TestServer

from convo import cli
from convo.serve import ConvoServer, local_templates

TOKEN = "a-test-token-0123456789"

# A stand-in for `convo carer --browser`: says it is ready, notes its session id, says something on
# stderr that must go nowhere, and exits when textual-serve asks it to quit.
FAKE_TAB = textwrap.dedent("""
    import os, sys
    with open(sys.argv[1], "a") as notes:
        notes.write(f"{os.getsid(0)}\\n")
    sys.stderr.write("TAB-STDERR: my secret answer\\n"); sys.stderr.flush()
    sys.stdout.write("__GANGLION__\\n"); sys.stdout.flush()
    read = sys.stdin.buffer.read
    while True:
        kind = read(1)
        if not kind:
            break
        payload = read(int.from_bytes(read(4), "big"))
        if kind == b"M" and b'"quit"' in payload:
            break
""")


@pytest.fixture
def tab(tmp_path):
    script = tmp_path / "fake_tab.py"
    script.write_text(FAKE_TAB)
    notes = tmp_path / "tabs.txt"
    return [sys.executable, str(script), str(notes)], notes


def make_server(tmp_path, argv, *, port=8000, host="127.0.0.1", **options) -> ConvoServer:
    folder = tmp_path / "templates"
    folder.mkdir(exist_ok=True)
    return ConvoServer(argv, host=host, port=port, token=TOKEN, templates_path=local_templates(folder),
                       say=lambda line: None, **options)


async def client_for(server: ConvoServer) -> TestClient:
    client = TestClient(TestServer(await server._make_app(), host="127.0.0.1", port=server.port))
    await client.start_server()
    return client


def origin(server: ConvoServer) -> dict[str, str]:
    return {"Origin": f"http://127.0.0.1:{server.port}", "Host": f"127.0.0.1:{server.port}"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def wait_until(check) -> None:
    for _ in range(200):
        if check():
            return
        await asyncio.sleep(0.05)


def tabs_started(notes: Path) -> int:
    return len(notes.read_text().split()) if notes.exists() else 0


async def refused_status(client: TestClient, url: str, headers: dict[str, str]) -> int | None:
    try:
        websocket = await client.ws_connect(url, headers=headers)
    except WSServerHandshakeError as error:
        return error.status
    await websocket.close()
    return None


async def test_a_websocket_from_another_site_is_refused_and_starts_no_tab(tmp_path, tab):
    argv, notes = tab
    server = make_server(tmp_path, argv, port=free_port())
    client = await client_for(server)
    try:
        headers = {**origin(server), "Origin": "https://evil.example"}
        assert await refused_status(client, f"/ws?token={TOKEN}", headers) == 403
        no_origin = {"Host": origin(server)["Host"]}
        assert await refused_status(client, f"/ws?token={TOKEN}", no_origin) == 403
    finally:
        await client.close()
    assert not notes.exists()


async def test_a_request_naming_another_host_is_refused(tmp_path, tab):
    server = make_server(tmp_path, tab[0], port=free_port())
    client = await client_for(server)
    try:
        response = await client.get(f"/?token={TOKEN}", headers={"Host": f"attacker.example:{server.port}"})
        assert response.status == 403
        headers = {**origin(server), "Host": f"attacker.example:{server.port}"}
        assert await refused_status(client, f"/ws?token={TOKEN}", headers) == 403
    finally:
        await client.close()


async def test_the_page_and_the_websocket_need_the_token_which_a_cookie_then_carries(tmp_path, tab):
    argv, notes = tab
    server = make_server(tmp_path, argv, port=free_port())
    client = await client_for(server)
    try:
        assert (await client.get("/", headers={"Host": origin(server)["Host"]})).status == 403
        assert (await client.get("/?token=wrong", headers={"Host": origin(server)["Host"]})).status == 403
        assert await refused_status(client, "/ws", origin(server)) == 403
        assert (await client.get("/download/anything", headers={"Host": origin(server)["Host"]})).status == 403
        assert not notes.exists()

        page = await client.get(f"/?token={TOKEN}", headers={"Host": origin(server)["Host"]})
        assert page.status == 200
        assert server.cookie in page.cookies and "httponly" in page.headers["Set-Cookie"].lower()
        # Now the cookie alone lets the websocket in.
        websocket = await client.ws_connect("/ws", headers=origin(server))
        await wait_until(lambda: tabs_started(notes) == 1)
        await websocket.close()
        await wait_until(lambda: server.sessions == 0)
        assert tabs_started(notes) == 1
    finally:
        await client.close()


async def test_tabs_beyond_the_cap_are_refused_with_a_reason(tmp_path, tab):
    argv, notes = tab
    server = make_server(tmp_path, argv, port=free_port(), max_sessions=2)
    client = await client_for(server)
    open_tabs = []
    try:
        for _ in range(2):
            open_tabs.append(await client.ws_connect(f"/ws?token={TOKEN}", headers=origin(server)))
        await wait_until(lambda: server.sessions == 2)
        assert await refused_status(client, f"/ws?token={TOKEN}", origin(server)) == 503
        page = await client.get(f"/?token={TOKEN}", headers={"Host": origin(server)["Host"]})
        assert page.status == 503 and "busy" in await page.text()
        await open_tabs.pop().close()
        await wait_until(lambda: server.sessions < 2)
        open_tabs.append(await client.ws_connect(f"/ws?token={TOKEN}", headers=origin(server)))
        await wait_until(lambda: tabs_started(notes) == 3)
    finally:
        for websocket in open_tabs:
            await websocket.close()
        await wait_until(lambda: server.sessions == 0)
        await client.close()
    assert tabs_started(notes) == 3


async def test_static_files_are_served_but_their_folder_is_not_listed(tmp_path, tab):
    server = make_server(tmp_path, tab[0], port=free_port())
    client = await client_for(server)
    try:
        host = {"Host": origin(server)["Host"]}
        assert (await client.get("/static/", headers=host)).status in (403, 404)
        assert (await client.get("/static/js/", headers=host)).status in (403, 404)
        assert (await client.get("/static/js/textual.js", headers=host)).status == 200
    finally:
        await client.close()


async def test_a_tab_has_no_terminal_and_its_error_output_reaches_no_log(tmp_path, tab, capfd):
    argv, notes = tab
    server = make_server(tmp_path, argv, port=free_port())
    server.initialize_logging()
    client = await client_for(server)
    try:
        websocket = await client.ws_connect(f"/ws?token={TOKEN}", headers=origin(server))
        await wait_until(lambda: tabs_started(notes) == 1)
        await websocket.close()
        await wait_until(lambda: server.sessions == 0)
    finally:
        await client.close()
    assert int(notes.read_text().split()[0]) != os.getsid(0)  # a session of its own: no controlling terminal
    out, err = capfd.readouterr()
    assert "my secret answer" not in out + err


def test_a_host_other_than_this_computer_needs_the_long_flag(tmp_path, capsys):
    assert cli.main(["--db", str(tmp_path / "c.db"), "serve", "--host", "192.0.2.1"]) == cli.EXIT_ERROR
    err = capsys.readouterr().err
    assert "--i-understand-anyone-on-the-network-can-connect" in err and len(err.splitlines()) == 1
    assert not (tmp_path / "c.db").exists()


def run_serve(db: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k != "CONVO_PASSPHRASE"} | (env or {})
    return subprocess.run([sys.executable, "-m", "convo.cli", "--db", str(db), "serve", *args],
                          check=False, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
                          env=environment, start_new_session=True)


def test_a_busy_port_is_one_line_and_no_traceback(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        result = run_serve(tmp_path / "c.db", "--port", str(taken.getsockname()[1]))
    assert result.returncode == cli.EXIT_ERROR
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "cannot listen" in result.stderr and "token=" not in result.stdout


def test_an_encrypted_store_without_its_passphrase_stops_the_server_at_once(tmp_path):
    db = tmp_path / "sealed.db"
    made = subprocess.run([sys.executable, "-m", "convo.cli", "--db", str(db), "--encrypt", "list"],
                          check=False, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
                          env={**os.environ, "CONVO_PASSPHRASE": "correct horse battery"})
    assert made.returncode == 0, made.stderr
    result = run_serve(db, "--port", str(free_port()))
    assert result.returncode == cli.EXIT_ERROR
    assert "CONVO_PASSPHRASE" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "token=" not in result.stdout
