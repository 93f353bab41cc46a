// Go recipe (docs/emulator.md): TestMain starts one emulator for the package, each test resets
// it, "429 twice, then success" is scripted through the HTTP fault API and the journal read.
// Standard library only. OKTA_SESSIONS names the command (default: npx okta-sessions).
package emulatorrecipe

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

var emu struct {
	URL      string `json:"url"`
	APIToken string `json:"apiToken"`
	DemoUser struct {
		Login    string `json:"login"`
		Password string `json:"password"`
	} `json:"demoUser"`
	adminToken string
}

func TestMain(m *testing.M) {
	secret := make([]byte, 24)
	rand.Read(secret)
	emu.adminToken = hex.EncodeToString(secret)
	command := strings.Fields(os.Getenv("OKTA_SESSIONS"))
	if len(command) == 0 {
		command = []string{"npx", "okta-sessions"}
	}
	cmd := exec.Command(command[0], append(command[1:], "emulator", "--port", "0", "--json")...)
	cmd.Env = append(os.Environ(), "OKTA_EMULATOR_ADMIN_TOKEN="+emu.adminToken) // not in ps
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	line, err := bufio.NewReader(stdout).ReadBytes('\n') // the one start line
	if err == nil {
		err = json.Unmarshal(line, &emu)
	}
	code := 1
	if err == nil {
		code = m.Run()
	} else {
		fmt.Fprintln(os.Stderr, "emulator start line:", err)
	}
	cmd.Process.Signal(os.Interrupt)
	cmd.Wait()
	os.Exit(code)
}

func call(t *testing.T, method, url, auth string, body any) (*http.Response, map[string]any) {
	t.Helper()
	var reader *bytes.Reader
	if body != nil {
		data, _ := json.Marshal(body)
		reader = bytes.NewReader(data)
	} else {
		reader = bytes.NewReader(nil)
	}
	req, _ := http.NewRequest(method, url, reader)
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out map[string]any
	json.NewDecoder(res.Body).Decode(&out)
	return res, out
}

func admin(t *testing.T, method, path string, body any) map[string]any {
	t.Helper()
	_, out := call(t, method, emu.URL+"/__emulator/"+path, "Bearer "+emu.adminToken, body)
	return out
}

func reset(t *testing.T) { t.Cleanup(func() { admin(t, "POST", "reset", nil) }) }

func TestRateLimitTwiceThenSuccess(t *testing.T) {
	reset(t)
	ssws := "SSWS " + emu.APIToken
	_, authn := call(t, "POST", emu.URL+"/api/v1/authn", "",
		map[string]string{"username": emu.DemoUser.Login, "password": emu.DemoUser.Password})
	_, session := call(t, "POST", emu.URL+"/api/v1/sessions", ssws,
		map[string]any{"sessionToken": authn["sessionToken"]})
	admin(t, "POST", "faults", map[string]any{
		"operationId": "getSession",
		"times":       2,
		"action":      map[string]any{"kind": "status", "status": 429, "resetSeconds": 0},
	})

	// A client that waits out Okta's rate limit: reset - Date + 1 s, at most 2 retries.
	var res *http.Response
	var body map[string]any
	for attempt := 0; attempt < 3; attempt++ {
		res, body = call(t, "GET", emu.URL+"/api/v1/sessions/"+session["id"].(string), ssws, nil)
		if res.StatusCode != http.StatusTooManyRequests {
			break
		}
		reset, _ := strconv.ParseInt(res.Header.Get("X-Rate-Limit-Reset"), 10, 64)
		date, _ := http.ParseTime(res.Header.Get("Date"))
		time.Sleep(time.Unix(reset, 0).Sub(date) + time.Second)
	}
	if res.StatusCode != 200 || body["id"] != session["id"] {
		t.Fatalf("getSession: %d %v", res.StatusCode, body)
	}

	var got []string
	for _, r := range admin(t, "GET", "requests", nil)["requests"].([]any) {
		entry := r.(map[string]any)
		if entry["operationId"] == "getSession" {
			got = append(got, fmt.Sprintf("%v %v", entry["status"], entry["credential"]))
		}
	}
	if want := "429 apiToken,429 apiToken,200 apiToken"; strings.Join(got, ",") != want {
		t.Fatalf("journal: %v, want %s", got, want)
	}
}

func TestEachTestStartsClean(t *testing.T) {
	if requests := admin(t, "GET", "requests", nil)["requests"].([]any); len(requests) != 0 {
		t.Fatalf("journal not empty: %v", requests)
	}
}
