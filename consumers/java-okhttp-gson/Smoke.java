// Smoke test of the Java client (library "okhttp-gson") generated from spec/okta-sessions.yaml.
// Run by scripts/consumers.mjs against a fresh emulator with OKTA_URL, OKTA_API_TOKEN,
// OKTA_USERNAME, OKTA_PASSWORD, OKTA_EMULATOR_URL, OKTA_EMULATOR_ADMIN_TOKEN
// (the fault API) and (optionally) UNKNOWN_VALUES=1.
import com.example.oktasessions.ApiClient;
import com.example.oktasessions.ApiException;
import com.example.oktasessions.api.SessionApi;
import com.example.oktasessions.api.UserSessionsApi;
import com.example.oktasessions.model.CreateSessionRequest;
import com.example.oktasessions.model.OktaErrorResponse;
import com.example.oktasessions.model.Session;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.OffsetDateTime;
import java.util.List;

public class Smoke {
  static final String URL = System.getenv("OKTA_URL");
  static final boolean UNKNOWN = "1".equals(System.getenv("UNKNOWN_VALUES"));

  static void check(boolean ok, String what) {
    if (!ok) {
      System.err.println("java-okhttp-gson smoke: FAILED: " + what);
      System.exit(1);
    }
  }

  /** A one-time session token from the Authentication API (not part of the Sessions spec). */
  static String sessionToken() throws Exception {
    JsonObject body = new JsonObject();
    body.addProperty("username", System.getenv("OKTA_USERNAME"));
    body.addProperty("password", System.getenv("OKTA_PASSWORD"));
    HttpResponse<String> res = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(URL + "/api/v1/authn"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
        HttpResponse.BodyHandlers.ofString());
    check(res.statusCode() == 200, "authn answers 200");
    return JsonParser.parseString(res.body()).getAsJsonObject().get("sessionToken").getAsString();
  }

  /** Makes the next getSession answer 429, through the emulator's HTTP fault API. */
  static void scriptRateLimit() throws Exception {
    String fault =
        "{\"operationId\":\"getSession\",\"action\":{\"kind\":\"status\",\"status\":429,\"resetSeconds\":0}}";
    HttpResponse<String> res = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(System.getenv("OKTA_EMULATOR_URL") + "/__emulator/faults"))
            .header("Content-Type", "application/json")
            .header("Authorization", "Bearer " + System.getenv("OKTA_EMULATOR_ADMIN_TOKEN"))
            .POST(HttpRequest.BodyPublishers.ofString(fault)).build(),
        HttpResponse.BodyHandlers.ofString());
    check(res.statusCode() == 200, "scripting a fault answers 200");
  }

  interface Call<T> {
    T run() throws ApiException;
  }

  /**
   * The generated client does not retry: waits out a 429. The scripted reset is the Date's
   * second, so Okta's rule (reset - Date + 1 s) waits 1 s.
   */
  static <T> T withRateLimitRetries(Call<T> call) throws Exception {
    for (int attempt = 0; ; attempt++) {
      try {
        return call.run();
      } catch (ApiException e) {
        if (attempt == 2 || e.getCode() != 429) throw e;
        Thread.sleep(1000);
      }
    }
  }

  static void checkSession(Session s, String what) {
    check(s.getCreatedAt() instanceof OffsetDateTime, what + ": createdAt parsed");
    check(s.getExpiresAt() instanceof OffsetDateTime, what + ": expiresAt parsed");
    check(s.getLastFactorVerification() == null, what + ": lastFactorVerification null");
    if (UNKNOWN) {
      check("UNLISTED_VALUE".equals(s.getStatus()), what + ": unknown status passed through");
      check(s.getAmr().contains("UNLISTED_VALUE"), what + ": unknown amr passed through");
      check(s.getAdditionalProperty("unlistedProperty") != null, what + ": unknown property kept");
    } else {
      check("ACTIVE".equals(s.getStatus()), what + ": status ACTIVE");
    }
  }

  public static void main(String[] args) throws Exception {
    ApiClient client = new ApiClient();
    client.setBasePath(URL);
    // The API key needs its scheme: Okta expects `Authorization: SSWS <token>`. The client only
    // sends it on operations that declare apiToken, so the /me calls go without it.
    client.setApiKey(System.getenv("OKTA_API_TOKEN"));
    client.setApiKeyPrefix("SSWS");
    SessionApi api = new SessionApi(client);

    Session first = api.createSession(new CreateSessionRequest().sessionToken(sessionToken()));
    checkSession(first, "createSession");
    Session second = api.createSession(new CreateSessionRequest().sessionToken(sessionToken()));
    Session third = api.createSession(new CreateSessionRequest().sessionToken(sessionToken()));

    scriptRateLimit();
    Session got = withRateLimitRetries(() -> api.getSession(first.getId()));
    check(first.getId().equals(got.getId()), "getSession returns the session (after a scripted 429)");
    checkSession(got, "getSession");

    Session refreshed = api.refreshSession(first.getId());
    check(!refreshed.getExpiresAt().isBefore(first.getExpiresAt()), "refreshSession: expiresAt not earlier");

    String cookie = "sid=" + first.getId();
    Session me = api.getCurrentSession(cookie);
    check(first.getId().equals(me.getId()), "getCurrentSession reads the cookie's session");
    checkSession(me, "getCurrentSession");
    checkSession(api.refreshCurrentSession(cookie), "refreshCurrentSession");
    api.closeCurrentSession(cookie);

    api.revokeSession(second.getId());
    // Ends every session of the user (only the third is left), OAuth tokens too.
    new UserSessionsApi(client).revokeUserSessions(third.getUserId(), true, null);

    for (String gone : List.of(first.getId(), second.getId(), third.getId())) {
      try {
        api.getSession(gone);
        check(false, "getSession after close/revoke answers 404");
      } catch (ApiException e) {
        check(e.getCode() == 404, "getSession after close/revoke answers 404");
        OktaErrorResponse error = OktaErrorResponse.fromJson(e.getResponseBody());
        check("E0000007".equals(error.getErrorCode()), "404 errorCode E0000007, got " + error.getErrorCode());
      }
    }
    System.out.println("java-okhttp-gson smoke: 8 operations, 404 E0000007, dates and nulls, 429 then success: ok"
        + (UNKNOWN ? " (unknown values)" : ""));
  }
}
