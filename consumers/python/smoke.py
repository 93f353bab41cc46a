"""Smoke test of the Python client generated from spec/okta-sessions.yaml.

Run by scripts/consumers.mjs against a fresh emulator: OKTA_URL, OKTA_API_TOKEN, OKTA_USERNAME,
OKTA_PASSWORD, OKTA_EMULATOR_URL and OKTA_EMULATOR_ADMIN_TOKEN (the fault API), and
(optionally) UNKNOWN_VALUES=1. Exits non-zero on the first failed check.
"""
import datetime
from email.utils import parsedate_to_datetime
import json
import os
import urllib.request

import time

import okta_sessions_client as okta
from okta_sessions_client.exceptions import ApiException, NotFoundException

URL = os.environ["OKTA_URL"]
UNKNOWN = os.environ.get("UNKNOWN_VALUES") == "1"


def check(ok, what):
    if not ok:
        raise SystemExit(f"python smoke: FAILED: {what}")


def session_token():
    """A one-time session token from the Authentication API (not part of the Sessions spec)."""
    body = json.dumps(
        {"username": os.environ["OKTA_USERNAME"], "password": os.environ["OKTA_PASSWORD"]}
    ).encode()
    req = urllib.request.Request(
        f"{URL}/api/v1/authn", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(req) as res:
        return json.load(res)["sessionToken"]


def script_rate_limit():
    """Makes the next getSession answer 429, through the emulator's HTTP fault API."""
    body = json.dumps(
        {
            "operationId": "getSession",
            "action": {"kind": "status", "status": 429, "resetSeconds": 0},
        }
    ).encode()
    req = urllib.request.Request(
        f"{os.environ['OKTA_EMULATOR_URL']}/__emulator/faults",
        data=body,
        headers={
            "Content-Type": "application/json",
            "Authorization": f"Bearer {os.environ['OKTA_EMULATOR_ADMIN_TOKEN']}",
        },
    )
    urllib.request.urlopen(req).close()


def with_rate_limit_retries(call):
    """The generated client does not retry: wait out a 429 as Okta says (reset - Date + 1 s)."""
    for _ in range(2):
        try:
            return call()
        except ApiException as e:
            if e.status != 429:
                raise
            date = parsedate_to_datetime(e.headers["Date"]).timestamp()
            time.sleep(max(0, int(e.headers["X-Rate-Limit-Reset"]) - date) + 1)
    return call()


def check_session(s, what):
    check(isinstance(s.created_at, datetime.datetime), f"{what}: createdAt is a datetime")
    check(isinstance(s.expires_at, datetime.datetime), f"{what}: expiresAt is a datetime")
    check(s.last_factor_verification is None, f"{what}: lastFactorVerification null is None")
    check(isinstance(s.status, str), f"{what}: status is a string")
    if UNKNOWN:
        check(s.status == "UNLISTED_VALUE", f"{what}: unknown status passed through")
        check("UNLISTED_VALUE" in s.amr, f"{what}: unknown amr value passed through")
    else:
        check(s.status == "ACTIVE", f"{what}: status ACTIVE")


config = okta.Configuration(host=URL)
# The API key needs its scheme: Okta expects `Authorization: SSWS <token>`.
config.api_key["apiToken"] = os.environ["OKTA_API_TOKEN"]
config.api_key_prefix["apiToken"] = "SSWS"
client = okta.ApiClient(config)
api = okta.SessionApi(client)
users = okta.UserSessionsApi(client)

first = api.create_session(okta.CreateSessionRequest(session_token=session_token()))
check_session(first, "createSession")
second = api.create_session(okta.CreateSessionRequest(session_token=session_token()))
third = api.create_session(okta.CreateSessionRequest(session_token=session_token()))

script_rate_limit()
got = with_rate_limit_retries(lambda: api.get_session(first.id))
check(got.id == first.id, "getSession returns the session (after a scripted 429)")
check_session(got, "getSession")

refreshed = api.refresh_session(first.id)
check(refreshed.expires_at >= first.expires_at, "refreshSession: expiresAt not earlier")

cookie = f"sid={first.id}"
me = api.get_current_session(cookie=cookie)
check(me.id == first.id, "getCurrentSession reads the cookie's session")
check_session(me, "getCurrentSession")
check_session(api.refresh_current_session(cookie=cookie), "refreshCurrentSession")
api.close_current_session(cookie=cookie)

api.revoke_session(second.id)
# Ends every session of the user (only the third is left), OAuth tokens too.
users.revoke_user_sessions(third.user_id, oauth_tokens=True)

for gone in (first.id, second.id, third.id):
    try:
        api.get_session(gone)
        check(False, f"getSession after close/revoke/revokeUserSessions answers 404")
    except NotFoundException as e:
        error = e.data  # the generated OktaErrorResponse model
        check(isinstance(error, okta.OktaErrorResponse), "404 body read as OktaErrorResponse")
        check(error.error_code == "E0000007", f"404 errorCode E0000007, got {error.error_code}")

print("python smoke: 8 operations, 429 then success, 404 E0000007, dates and nulls: ok"
      + (" (unknown values)" if UNKNOWN else ""))
