package nettboot.redfish.sim;

import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/** Sessions (X-Auth-Token) and HTTP basic authentication; everything but the service root needs one. */
final class Authenticator implements Handler<RoutingContext> {
  private final BmcState state;
  private final SimSettings settings;
  private final RedfishModel model;
  private final SecureRandom random = new SecureRandom();

  Authenticator(BmcState state, SimSettings settings, RedfishModel model) {
    this.state = state;
    this.settings = settings;
    this.model = model;
  }

  boolean sessionsEnabled() {
    return settings.fault(Fault.Kind.NO_SESSIONS) == 0;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String path = ctx.normalizedPath();
    if (path.equals("/redfish") || path.equals("/redfish/v1") || path.equals("/redfish/v1/")
        || (sessionsEnabled() && path.equals("/redfish/v1/SessionService/Sessions")
            && ctx.request().method().name().equals("POST"))) {
      ctx.next();
      return;
    }
    String token = ctx.request().getHeader("X-Auth-Token");
    if (token != null && state.sessions.containsKey(token)) {
      ctx.next();
      return;
    }
    String auth = ctx.request().getHeader("Authorization");
    if (auth != null && auth.regionMatches(true, 0, "Basic ", 0, 6)) {
      String pair;
      try {
        pair = new String(Base64.getDecoder().decode(auth.substring(6).trim()), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        pair = "";
      }
      int colon = pair.indexOf(':');
      if (colon > 0 && matches(pair.substring(0, colon), pair.substring(colon + 1))) {
        ctx.next();
        return;
      }
    }
    ctx.response().putHeader("WWW-Authenticate", "Basic realm=\"redfish-sim\"");
    RedfishErrors.send(ctx, 401, "Base.1.15.NoValidSession",
        "There is no valid session established with the implementation.");
  }

  void login(RoutingContext ctx) {
    JsonObject body = Responses.body(ctx);
    if (!matches(body.getString("UserName", ""), body.getString("Password", ""))) {
      throw new SimError(401, "Base.1.15.InsufficientPrivilege", "Invalid username or password.");
    }
    byte[] t = new byte[16];
    random.nextBytes(t);
    String token = HexFormat.of().formatHex(t);
    String id = String.valueOf(state.nextSession++);
    state.sessions.put(token, id);
    JsonObject s = model.session(id, body.getString("UserName"));
    ctx.response().putHeader("X-Auth-Token", token).putHeader("Location", s.getString("@odata.id"));
    Responses.json(ctx, 201, s, null);
  }

  void logout(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (!state.sessions.values().removeIf(id::equals)) {
      throw new SimError(404, "Base.1.15.ResourceNotFound", "The session " + id + " was not found.", id);
    }
    Responses.noContent(ctx);
  }

  void list(RoutingContext ctx) {
    List<String> uris = new ArrayList<>();
    state.sessions.values().stream().sorted().forEach(id -> uris.add("/redfish/v1/SessionService/Sessions/" + id));
    Responses.json(ctx, 200, model.collection("Session", "/redfish/v1/SessionService/Sessions", "Sessions", uris), null);
  }

  private boolean matches(String user, String password) {
    boolean u = MessageDigest.isEqual(user.getBytes(StandardCharsets.UTF_8), settings.user().getBytes(StandardCharsets.UTF_8));
    boolean p = MessageDigest.isEqual(password.getBytes(StandardCharsets.UTF_8),
        settings.password().getBytes(StandardCharsets.UTF_8));
    return u & p;
  }
}
