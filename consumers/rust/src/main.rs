//! Smoke test of the Rust client generated from spec/okta-sessions.yaml.
//! Run by scripts/consumers.mjs against a fresh emulator with OKTA_URL, OKTA_API_TOKEN,
//! OKTA_USERNAME, OKTA_PASSWORD, OKTA_EMULATOR_URL, OKTA_EMULATOR_ADMIN_TOKEN (the fault API)
//! and (optionally) UNKNOWN_VALUES=1.
use okta_sessions_client::apis::configuration::{ApiKey, Configuration};
use okta_sessions_client::apis::{session_api as api, user_sessions_api, Error};
use okta_sessions_client::models::{CreateSessionRequest, Session};
use std::env;

/// Reads a Session field whether the spec marks it required (a plain value in the generated
/// struct) or optional (an `Option`), so the smoke builds against either.
trait Field<T> {
    fn value(&self) -> Option<&T>;
}
macro_rules! field {
    ($($t:ty),*) => {$(
        impl Field<$t> for $t { fn value(&self) -> Option<&$t> { Some(self) } }
        impl Field<$t> for Option<$t> { fn value(&self) -> Option<&$t> { self.as_ref() } }
    )*};
}
type DateTime = chrono::DateTime<chrono::FixedOffset>;
field!(String, DateTime, Vec<String>);

fn text<F: Field<String>>(field: &F) -> &str {
    field.value().map_or("", String::as_str)
}

fn date<F: Field<DateTime>>(field: &F) -> Option<DateTime> {
    field.value().copied()
}

fn check(ok: bool, what: &str) {
    if !ok {
        eprintln!("rust smoke: FAILED: {what}");
        std::process::exit(1);
    }
}

fn var(name: &str) -> String {
    env::var(name).unwrap_or_else(|_| panic!("{name} is not set"))
}

/// A one-time session token from the Authentication API (not part of the Sessions spec).
async fn session_token(url: &str) -> String {
    let body = serde_json::json!({ "username": var("OKTA_USERNAME"), "password": var("OKTA_PASSWORD") });
    let res = reqwest::Client::new()
        .post(format!("{url}/api/v1/authn"))
        .json(&body)
        .send()
        .await
        .expect("authn");
    check(res.status() == 200, "authn answers 200");
    let json: serde_json::Value = res.json().await.expect("authn body");
    json["sessionToken"].as_str().expect("sessionToken").to_string()
}

/// Makes the next getSession answer 429, through the emulator's HTTP fault API.
async fn script_rate_limit() {
    let fault = serde_json::json!({
        "operationId": "getSession",
        "action": { "kind": "status", "status": 429, "resetSeconds": 0 },
    });
    let res = reqwest::Client::new()
        .post(format!("{}/__emulator/faults", var("OKTA_EMULATOR_URL")))
        .header("Authorization", format!("Bearer {}", var("OKTA_EMULATOR_ADMIN_TOKEN")))
        .json(&fault)
        .send()
        .await
        .expect("scripting a fault");
    check(res.status() == 200, "scripting a fault answers 200");
}

fn check_session(s: &Session, unknown: bool, what: &str) {
    check(date(&s.created_at).is_some(), &format!("{what}: createdAt parsed (chrono)"));
    check(date(&s.expires_at).is_some(), &format!("{what}: expiresAt parsed (chrono)"));
    check(
        matches!(s.last_factor_verification, Some(None)),
        &format!("{what}: lastFactorVerification is an explicit null"),
    );
    let status = text(&s.status);
    if unknown {
        check(status == "UNLISTED_VALUE", &format!("{what}: unknown status passed through"));
        let amr: &[String] = s.amr.value().map_or(&[], Vec::as_slice);
        check(amr.iter().any(|m| m == "UNLISTED_VALUE"), &format!("{what}: unknown amr passed through"));
    } else {
        check(status == "ACTIVE", &format!("{what}: status ACTIVE"));
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let url = var("OKTA_URL");
    let unknown = env::var("UNKNOWN_VALUES").as_deref() == Ok("1");

    // The API key needs its scheme: Okta expects `Authorization: SSWS <token>`. The generated
    // functions only send it on operations that declare apiToken, so the /me calls go without it.
    let mut config = Configuration::new();
    config.base_path = url.clone();
    config.api_key = Some(ApiKey { prefix: Some("SSWS".into()), key: var("OKTA_API_TOKEN") });

    let create = |token: String| {
        let config = &config;
        async move { api::create_session(config, CreateSessionRequest::new(token)).await.expect("createSession") }
    };
    let first = create(session_token(&url).await).await;
    check_session(&first, unknown, "createSession");
    let second = create(session_token(&url).await).await;
    let third = create(session_token(&url).await).await;
    let first_id = text(&first.id).to_string();
    let second_id = text(&second.id).to_string();
    let third_id = text(&third.id).to_string();

    script_rate_limit().await;
    let mut attempt = 0;
    let got = loop {
        match api::get_session(&config, &first_id).await {
            Err(Error::ResponseError(content)) if content.status == 429 && attempt < 2 => {
                attempt += 1;
                // The generated client keeps no headers; the scripted reset is the Date's second,
                // so Okta's rule (reset - Date + 1 s) waits 1 s. Blocking is fine in this smoke.
                std::thread::sleep(std::time::Duration::from_secs(1));
            }
            other => break other.expect("getSession"),
        }
    };
    check(text(&got.id) == first_id, "getSession returns the session (after a scripted 429)");
    check_session(&got, unknown, "getSession");

    let refreshed = api::refresh_session(&config, &first_id).await.expect("refreshSession");
    check(date(&refreshed.expires_at) >= date(&first.expires_at), "refreshSession: expiresAt not earlier");

    let cookie = format!("sid={first_id}");
    let me = api::get_current_session(&config, Some(&cookie)).await.expect("getCurrentSession");
    check(text(&me.id) == first_id, "getCurrentSession reads the cookie's session");
    check_session(&me, unknown, "getCurrentSession");
    let me = api::refresh_current_session(&config, Some(&cookie)).await.expect("refreshCurrentSession");
    check_session(&me, unknown, "refreshCurrentSession");
    // Deprecated by Okta (see the spec), still one of the seven operations the smoke covers.
    #[allow(deprecated)]
    api::close_current_session(&config, Some(&cookie)).await.expect("closeCurrentSession");

    api::revoke_session(&config, &second_id).await.expect("revokeSession");
    // Ends every session of the user (only the third is left), OAuth tokens too.
    user_sessions_api::revoke_user_sessions(&config, text(&third.user_id), Some(true), None)
        .await
        .expect("revokeUserSessions");

    for gone in [&first_id, &second_id, &third_id] {
        match api::get_session(&config, gone).await {
            Err(Error::ResponseError(content)) => {
                check(content.status == 404, "getSession after close/revoke answers 404");
                // The error enum is untagged and every variant holds the same model, so serde
                // picks the first one (Status400): match them all and trust `content.status`.
                use api::GetSessionError as E;
                match content.entity {
                    Some(E::Status400(error) | E::Status401(error) | E::Status403(error) | E::Status404(error) | E::Status429(error)) => check(
                        error.error_code == "E0000007",
                        &format!("404 errorCode E0000007, got {}", error.error_code),
                    ),
                    other => check(false, &format!("404 body read as OktaErrorResponse, got {other:?}")),
                }
            }
            other => check(false, &format!("getSession after close/revoke answers 404, got {other:?}")),
        }
    }
    println!(
        "rust smoke: 8 operations, 404 E0000007, dates and nulls, 429 then success: ok{}",
        if unknown { " (unknown values)" } else { "" }
    );
}
