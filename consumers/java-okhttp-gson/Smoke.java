// Smoke test of the Java client (library "okhttp-gson") generated from spec/okta-sessions.yaml.
// Run by scripts/consumers.mjs against a fresh emulator with OKTA_URL, OKTA_API_TOKEN,
// OKTA_USERNAME, OKTA_PASSWORD and (optionally) UNKNOWN_VALUES=1.
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

    Session got = api.getSession(first.getId());
    check(first.getId().equals(got.getId()), "getSession returns the session");
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
    System.out.println("java-okhttp-gson smoke: 8 operations, 404 E0000007, dates and nulls: ok"
        + (UNKNOWN ? " (unknown values)" : ""));
  }
}
