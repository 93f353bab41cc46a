// Smoke test of the Java client (library "native": java.net.http + Jackson) generated from
// spec/okta-sessions.yaml. Run by scripts/consumers.mjs against a fresh emulator with OKTA_URL,
// OKTA_API_TOKEN, OKTA_USERNAME, OKTA_PASSWORD, OKTA_EMULATOR_URL, OKTA_EMULATOR_ADMIN_TOKEN
// (the fault API) and (optionally) UNKNOWN_VALUES=1.
import com.example.oktasessions.ApiClient;
import com.example.oktasessions.ApiException;
import com.example.oktasessions.api.SessionApi;
import com.example.oktasessions.api.UserSessionsApi;
import com.example.oktasessions.model.CreateSessionRequest;
import com.example.oktasessions.model.OktaErrorResponse;
import com.example.oktasessions.model.Session;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

public class Smoke {
  static final String URL = System.getenv("OKTA_URL");
  static final boolean UNKNOWN = "1".equals(System.getenv("UNKNOWN_VALUES"));
  static final ObjectMapper JSON = new ObjectMapper();

  static void check(boolean ok, String what) {
    if (!ok) {
      System.err.println("java-native smoke: FAILED: " + what);
      System.exit(1);
    }
  }

  /** A one-time session token from the Authentication API (not part of the Sessions spec). */
  static String sessionToken() throws Exception {
    String body = JSON.writeValueAsString(Map.of(
        "username", System.getenv("OKTA_USERNAME"), "password", System.getenv("OKTA_PASSWORD")));
    HttpResponse<String> res = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(URL + "/api/v1/authn"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    check(res.statusCode() == 200, "authn answers 200");
    return JSON.readTree(res.body()).get("sessionToken").asText();
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
    } else {
      check("ACTIVE".equals(s.getStatus()), what + ": status ACTIVE");
    }
  }

  static ApiClient client() {
    ApiClient client = new ApiClient();
    URI uri = URI.create(URL);
    client.setScheme(uri.getScheme());
    client.setHost(uri.getHost());
    client.setPort(uri.getPort());
    client.setBasePath("");
    return client;
  }

  public static void main(String[] args) throws Exception {
    // The native library generates no auth code: the admin client adds the header itself,
    // with its scheme (`SSWS <token>`), and a second client without it serves the /me calls.
    ApiClient adminClient = client();
    String authorization = "SSWS " + System.getenv("OKTA_API_TOKEN");
    adminClient.setRequestInterceptor(builder -> builder.header("Authorization", authorization));
    SessionApi admin = new SessionApi(adminClient);
    SessionApi browser = new SessionApi(client());

    Session first = admin.createSession(new CreateSessionRequest().sessionToken(sessionToken()));
    checkSession(first, "createSession");
    Session second = admin.createSession(new CreateSessionRequest().sessionToken(sessionToken()));
    Session third = admin.createSession(new CreateSessionRequest().sessionToken(sessionToken()));

    scriptRateLimit();
    Session got = withRateLimitRetries(() -> admin.getSession(first.getId()));
    check(first.getId().equals(got.getId()), "getSession returns the session (after a scripted 429)");
    checkSession(got, "getSession");

    Session refreshed = admin.refreshSession(first.getId());
    check(!refreshed.getExpiresAt().isBefore(first.getExpiresAt()), "refreshSession: expiresAt not earlier");

    String cookie = "sid=" + first.getId();
    Session me = browser.getCurrentSession(cookie);
    check(first.getId().equals(me.getId()), "getCurrentSession reads the cookie's session");
    checkSession(me, "getCurrentSession");
    checkSession(browser.refreshCurrentSession(cookie), "refreshCurrentSession");
    browser.closeCurrentSession(cookie);

    admin.revokeSession(second.getId());
    // Ends every session of the user (only the third is left), OAuth tokens too.
    new UserSessionsApi(adminClient).revokeUserSessions(third.getUserId(), true, null);

    for (String gone : List.of(first.getId(), second.getId(), third.getId())) {
      try {
        admin.getSession(gone);
        check(false, "getSession after close/revoke answers 404");
      } catch (ApiException e) {
        check(e.getCode() == 404, "getSession after close/revoke answers 404");
        // The native library keeps error bodies as text: read it with the generated model.
        OktaErrorResponse error =
            adminClient.getObjectMapper().readValue(e.getResponseBody(), OktaErrorResponse.class);
        check("E0000007".equals(error.getErrorCode()), "404 errorCode E0000007, got " + error.getErrorCode());
      }
    }
    System.out.println("java-native smoke: 8 operations, 404 E0000007, dates and nulls, 429 then success: ok"
        + (UNKNOWN ? " (unknown values)" : ""));
  }
}
