# pytest recipe (docs/emulator.md): one emulator per module, reset after each test, "429 twice,
# then success" scripted through the HTTP fault API, then the journal read. Standard library
# only. OKTA_SESSIONS names the command (default: npx okta-sessions).
import json
import os
from email.utils import parsedate_to_datetime
import secrets
import shlex
import subprocess
import time
import urllib.error
import urllib.request

import pytest


@pytest.fixture(scope="module")
def emulator():
    admin_token = secrets.token_urlsafe(24)
    command = shlex.split(os.environ.get("OKTA_SESSIONS", "npx okta-sessions"))
    proc = subprocess.Popen(
        [*command, "emulator", "--port", "0", "--json"],
        env={**os.environ, "OKTA_EMULATOR_ADMIN_TOKEN": admin_token},  # not in ps
        stdout=subprocess.PIPE,
        text=True,
    )
    start = json.loads(proc.stdout.readline())  # the one start line
    yield {**start, "adminToken": admin_token}
    proc.terminate()
    proc.wait(timeout=10)


def call(url, method="GET", body=None, token=None):
    request = urllib.request.Request(url, method=method)
    if token:
        request.add_header("Authorization", token)
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, data) as res:
            text = res.read().decode()
            return res.status, res.headers, json.loads(text) if text else None
    except urllib.error.HTTPError as err:
        return err.code, err.headers, json.loads(err.read().decode() or "null")


def admin(emulator, method, path, body=None):
    return call(
        f"{emulator['url']}/__emulator/{path}", method, body, f"Bearer {emulator['adminToken']}"
    )


@pytest.fixture(autouse=True)
def reset(emulator):
    yield
    admin(emulator, "POST", "reset")


def test_429_twice_then_success(emulator):
    url, ssws = emulator["url"], f"SSWS {emulator['apiToken']}"
    demo = emulator["demoUser"]
    _, _, authn = call(
        f"{url}/api/v1/authn", "POST", {"username": demo["login"], "password": demo["password"]}
    )
    _, _, session = call(
        f"{url}/api/v1/sessions", "POST", {"sessionToken": authn["sessionToken"]}, ssws
    )
    admin(
        emulator,
        "POST",
        "faults",
        {
            "operationId": "getSession",
            "times": 2,
            "action": {"kind": "status", "status": 429, "resetSeconds": 0},
        },
    )

    # A client that waits out Okta's rate limit: reset - Date + 1 s, at most 2 retries.
    for attempt in range(3):
        status, headers, body = call(f"{url}/api/v1/sessions/{session['id']}", token=ssws)
        if status != 429:
            break
        reset = int(headers["X-Rate-Limit-Reset"])
        date = parsedate_to_datetime(headers["Date"]).timestamp()
        time.sleep(max(0, reset - date) + 1)
    assert status == 200 and body["id"] == session["id"]

    _, _, journal = admin(emulator, "GET", "requests")
    gets = [r for r in journal["requests"] if r["operationId"] == "getSession"]
    assert [(r["status"], r["credential"]) for r in gets] == [
        (429, "apiToken"),
        (429, "apiToken"),
        (200, "apiToken"),
    ]


def test_each_test_starts_clean(emulator):
    _, _, journal = admin(emulator, "GET", "requests")
    assert journal["requests"] == []
