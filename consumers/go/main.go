// Smoke test of the Go client generated from spec/okta-sessions.yaml.
//
// Run by scripts/consumers.mjs against a fresh emulator: OKTA_URL, OKTA_API_TOKEN, OKTA_USERNAME,
// OKTA_PASSWORD, OKTA_EMULATOR_URL and OKTA_EMULATOR_ADMIN_TOKEN (the fault API), and
// (optionally) UNKNOWN_VALUES=1. Exits non-zero on the first failed check.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"time"

	okta "github.com/okta-sessions/okta-sessions-go"
)

var unknown = os.Getenv("UNKNOWN_VALUES") == "1"

func check(ok bool, format string, args ...any) {
	if !ok {
		fmt.Fprintf(os.Stderr, "go smoke: FAILED: "+format+"\n", args...)
		os.Exit(1)
	}
}

func must[T any](value T, _ *http.Response, err error) T {
	check(err == nil, "call failed: %v", err)
	return value
}

// sessionToken signs in through the Authentication API, which the Sessions spec does not cover.
func sessionToken(base string) string {
	body, _ := json.Marshal(map[string]string{
		"username": os.Getenv("OKTA_USERNAME"),
		"password": os.Getenv("OKTA_PASSWORD"),
	})
	res, err := http.Post(base+"/api/v1/authn", "application/json", bytes.NewReader(body))
	check(err == nil && res.StatusCode == 200, "authn: %v", err)
	defer res.Body.Close()
	var out struct{ SessionToken string }
	check(json.NewDecoder(res.Body).Decode(&out) == nil && out.SessionToken != "", "authn body")
	return out.SessionToken
}

// scriptRateLimit makes the next getSession answer 429, through the emulator's HTTP fault API.
func scriptRateLimit() {
	body := []byte(`{"operationId":"getSession","action":{"kind":"status","status":429,"resetSeconds":0}}`)
	req, _ := http.NewRequest("POST", os.Getenv("OKTA_EMULATOR_URL")+"/__emulator/faults", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+os.Getenv("OKTA_EMULATOR_ADMIN_TOKEN"))
	res, err := http.DefaultClient.Do(req)
	check(err == nil && res.StatusCode == 200, "scripting a fault: %v", err)
	res.Body.Close()
}

// withRateLimitRetries retries a call answered 429 after Okta's reset (reset - Date + 1 s): the
// generated client does not retry.
func withRateLimitRetries[T any](call func() (T, *http.Response, error)) (T, *http.Response, error) {
	for attempt := 0; ; attempt++ {
		value, res, err := call()
		if attempt == 2 || res == nil || res.StatusCode != http.StatusTooManyRequests {
			return value, res, err
		}
		reset, _ := strconv.ParseInt(res.Header.Get("X-Rate-Limit-Reset"), 10, 64)
		date, _ := http.ParseTime(res.Header.Get("Date"))
		time.Sleep(time.Unix(reset, 0).Sub(date) + time.Second)
	}
}

func checkSession(s *okta.Session, what string) {
	check(!s.GetCreatedAt().IsZero(), "%s: createdAt parsed", what)
	check(s.GetExpiresAt().After(time.Unix(0, 0)), "%s: expiresAt parsed", what)
	check(s.LastFactorVerification.IsSet() && s.LastFactorVerification.Get() == nil,
		"%s: lastFactorVerification is an explicit null", what)
	if unknown {
		check(s.GetStatus() == "UNLISTED_VALUE", "%s: unknown status passed through", what)
		check(slices.Contains(s.GetAmr(), "UNLISTED_VALUE"), "%s: unknown amr passed through", what)
		_, extra := s.AdditionalProperties["unlistedProperty"]
		check(extra, "%s: unknown property kept", what)
	} else {
		check(s.GetStatus() == "ACTIVE", "%s: status ACTIVE", what)
	}
}

func main() {
	base := os.Getenv("OKTA_URL")
	u, err := url.Parse(base)
	check(err == nil, "OKTA_URL: %v", err)

	cfg := okta.NewConfiguration()
	client := okta.NewAPIClient(cfg)
	api := client.SessionAPI
	// The spec's second server is the local emulator; only its port varies.
	ctx := context.WithValue(context.Background(), okta.ContextServerIndex, 1)
	ctx = context.WithValue(ctx, okta.ContextServerVariables, map[string]string{"port": u.Port()})
	// The API key needs its scheme: Okta expects `Authorization: SSWS <token>`.
	admin := context.WithValue(ctx, okta.ContextAPIKeys, map[string]okta.APIKey{
		"apiToken": {Key: os.Getenv("OKTA_API_TOKEN"), Prefix: "SSWS"},
	})

	create := func() *okta.Session {
		req := okta.NewCreateSessionRequest(sessionToken(base))
		return must(api.CreateSession(admin).CreateSessionRequest(*req).Execute())
	}
	first := create()
	checkSession(first, "createSession")
	second := create()
	third := create()

	scriptRateLimit()
	got := must(withRateLimitRetries(api.GetSession(admin, first.GetId()).Execute))
	check(got.GetId() == first.GetId(), "getSession returns the session (after a scripted 429)")
	checkSession(got, "getSession")

	refreshed := must(api.RefreshSession(admin, first.GetId()).Execute())
	check(!refreshed.GetExpiresAt().Before(first.GetExpiresAt()), "refreshSession: expiresAt not earlier")

	// The /me operations take the cookie and no admin credential: use the context without keys.
	cookie := "sid=" + first.GetId()
	me := must(api.GetCurrentSession(ctx).Cookie(cookie).Execute())
	check(me.GetId() == first.GetId(), "getCurrentSession reads the cookie's session")
	checkSession(me, "getCurrentSession")
	checkSession(must(api.RefreshCurrentSession(ctx).Cookie(cookie).Execute()), "refreshCurrentSession")
	_, err = api.CloseCurrentSession(ctx).Cookie(cookie).Execute()
	check(err == nil, "closeCurrentSession: %v", err)

	_, err = api.RevokeSession(admin, second.GetId()).Execute()
	check(err == nil, "revokeSession: %v", err)
	// Ends every session of the user (only the third is left), OAuth tokens too.
	_, err = client.UserSessionsAPI.RevokeUserSessions(admin, third.GetUserId()).OauthTokens(true).Execute()
	check(err == nil, "revokeUserSessions: %v", err)

	for _, gone := range []string{first.GetId(), second.GetId(), third.GetId()} {
		_, res, err := api.GetSession(admin, gone).Execute()
		check(err != nil && res != nil && res.StatusCode == 404, "getSession after close/revoke answers 404")
		var apiErr *okta.GenericOpenAPIError
		check(errors.As(err, &apiErr), "error is a GenericOpenAPIError")
		model, ok := apiErr.Model().(okta.OktaErrorResponse)
		check(ok, "404 body read as OktaErrorResponse, got %T", apiErr.Model())
		check(model.GetErrorCode() == "E0000007", "404 errorCode E0000007, got %q", model.GetErrorCode())
	}

	suffix := ""
	if unknown {
		suffix = " (unknown values)"
	}
	fmt.Println("go smoke: 8 operations, 429 then success, 404 E0000007, dates and nulls: ok" + suffix)
}
