// Smoke test of the Java client (library "native": java.net.http + Jackson) generated from
// spec/okta-sessions.yaml. Run by scripts/consumers.mjs against a fresh emulator with OKTA_URL,
// OKTA_API_TOKEN, OKTA_USERNAME, OKTA_PASSWORD and (optionally) UNKNOWN_VALUES=1.
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

    Session got = admin.getSession(first.getId());
    check(first.getId().equals(got.getId()), "getSession returns the session");
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
    System.out.println("java-native smoke: 8 operations, 404 E0000007, dates and nulls: ok"
        + (UNKNOWN ? " (unknown values)" : ""));
  }
}
