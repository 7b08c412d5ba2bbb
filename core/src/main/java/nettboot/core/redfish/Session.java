package nettboot.core.redfish;

import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;

/**
 * Login and logout: a Redfish session (X-Auth-Token) where the BMC offers one, else HTTP basic
 * authentication; either way the credentials are proven by one authenticated read.
 */
final class Session {
  private final RedfishHttp http;
  private String sessionUri;

  Session(RedfishHttp http) {
    this.http = http;
  }

  /** Service root (no authentication): returns its body. */
  Future<JsonObject> serviceRoot() {
    return http.get("service-root", "/redfish/v1/").map(r -> {
      if (r.status() != 200 || !r.body().containsKey("Systems")) {
        throw new StepFailure("service-root", "not a Redfish service (HTTP " + r.status() + ")"
            + (r.bmcSaid().isEmpty() ? "" : ": " + r.bmcSaid()));
      }
      JsonObject b = r.body();
      for (String k : new String[] {"Vendor", "Product", "RedfishVersion"}) {
        http.report().fact(Character.toLowerCase(k.charAt(0)) + k.substring(1),
            b.getValue(k) instanceof String v ? v : null);
      }
      return b;
    });
  }

  Future<Void> login(JsonObject root, String systemsUri) {
    String sessions = Odata.link(root.getJsonObject("Links"), "Sessions");
    if (sessions == null && Odata.link(root, "SessionService") != null) {
      sessions = Odata.path(Odata.link(root, "SessionService")) + "/Sessions";
    }
    if (sessions == null) {
      http.report().quirk("no SessionService: HTTP basic authentication used");
      http.report().capability("sessions", "no", "the service root links no SessionService: HTTP basic authentication");
      http.useBasic();
      return prove(systemsUri);
    }
    JsonObject body = new JsonObject().put("UserName", userName())
        .put("Password", passwordValue());
    return http.send("login", HttpMethod.POST, sessions, body, null,
        "{\"UserName\":\"" + userName() + "\",\"Password\":\"<redacted>\"}").compose(r -> {
          if (r.status() == 401 || r.status() == 403) {
            throw new StepFailure("login", "credentials rejected (HTTP " + r.status() + ")"
                + (r.bmcSaid().isEmpty() ? "" : ": " + r.bmcSaid()));
          }
          if (r.success() && r.authToken() != null && !r.authToken().isBlank()) {
            http.report().capability("sessions", "yes", "POST " + Odata.path(sessionsPath(root))
                + " answered X-Auth-Token" + (r.location() == null ? " (no Location)" : " and Location"));
            http.useToken(r.authToken());
            sessionUri = r.location() != null ? r.location() : r.body().getString("@odata.id");
            return prove(systemsUri);
          }
          http.report().quirk("session login unavailable (HTTP " + r.status()
              + (r.success() ? ", no X-Auth-Token" : "") + "): fell back to HTTP basic authentication");
          http.report().capability("sessions", "no", "session login answered HTTP " + r.status()
              + (r.success() ? " without X-Auth-Token" : "") + ": HTTP basic authentication");
          http.useBasic();
          return prove(systemsUri);
        });
  }

  private Future<Void> prove(String systemsUri) {
    return http.get("login", systemsUri).map(r -> {
      if (r.status() == 401 || r.status() == 403) {
        throw new StepFailure("login", "credentials rejected (HTTP " + r.status() + ")"
            + (r.bmcSaid().isEmpty() ? "" : ": " + r.bmcSaid()));
      }
      return null;
    });
  }

  private static String sessionsPath(JsonObject root) {
    String sessions = Odata.link(root.getJsonObject("Links"), "Sessions");
    return sessions != null ? sessions : Odata.path(Odata.link(root, "SessionService")) + "/Sessions";
  }

  /** Deletes the session; never fails (a leftover session expires on the BMC). */
  Future<Void> logout() {
    if (sessionUri == null) {
      return Future.succeededFuture();
    }
    String uri = sessionUri;
    sessionUri = null;
    return http.send("logout", HttpMethod.DELETE, uri, null, null, null)
        .<Void>mapEmpty()
        .otherwiseEmpty();
  }

  private String userName() {
    return http.credentials().user();
  }

  private String passwordValue() {
    return http.credentials().password();
  }
}
