package nettboot.redfish.sim;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.List;

/**
 * One simulated BMC: a Redfish service on its own port. Its state lives on this verticle's context
 * only; {@link #snapshot()} copies it out.
 */
public final class SimulatedBmc extends VerticleBase {
  private static final String V1 = "/redfish/v1";
  private final SimSettings settings;
  private final String host;
  private final int requestedPort;
  private final SystemBacking backing;
  private BmcState state;
  /** every system's state, the first one's is {@link #state} (sessions, tasks and faults live there) */
  private final List<BmcState> systems = new java.util.ArrayList<>();
  private HttpServer server;
  private MediaFetcher fetcher;

  public SimulatedBmc(SimSettings settings, String host, int port) {
    this(settings, host, port, null);
  }

  /** @param backing the real system behind this BMC (e.g. a QEMU VM), or null to only model it */
  public SimulatedBmc(SimSettings settings, String host, int port, SystemBacking backing) {
    this.settings = settings;
    this.host = host;
    this.requestedPort = port;
    this.backing = backing;
  }

  @Override
  public Future<?> start() {
    state = new BmcState(settings.profile());
    if (backing != null) {
      // a real system is off until someone powers it on
      state.powerState = backing.running() ? "On" : "Off";
    } else if (settings.profile().refuseBootDuringPost()) {
      // the machine was just powered on: it sits in POST for a while
      state.inPostUntilMillis = System.currentTimeMillis() + settings.postDuration().toMillis();
    }
    fetcher = new MediaFetcher(vertx);
    RedfishModel model = new RedfishModel(settings.profile(), settings.fault(Fault.Kind.NO_SESSIONS) == 0);
    Authenticator auth = new Authenticator(state, settings, model);
    Tasks tasks = new Tasks(vertx, state, settings);
    Preconditions pre = new Preconditions(state, settings);
    PowerControl power = backing == null ? new SimPower(vertx, state, settings)
        : new BackedPower(vertx, state, settings, backing);
    BackedMedia backedMedia = backing == null ? null : new BackedMedia(vertx, backing, settings.profile());
    systems.clear();
    systems.add(state);

    Router r = Router.router(vertx);
    r.route().handler(BodyHandler.create().setBodyLimit(64 * 1024));
    r.route().handler(new FaultInjector(vertx, state, settings));
    r.route().handler(auth);
    r.get(V1).handler(ctx -> Responses.json(ctx, 200, model.serviceRoot(), null));
    r.get(V1 + "/").handler(ctx -> Responses.json(ctx, 200, model.serviceRoot(), null));
    if (auth.sessionsEnabled()) {
      r.get(V1 + "/SessionService").handler(ctx -> Responses.json(ctx, 200, model.sessionService(), null));
      r.post(V1 + "/SessionService/Sessions").handler(Responses.guard(auth::login));
      r.get(V1 + "/SessionService/Sessions").handler(Responses.guard(auth::list));
      r.delete(V1 + "/SessionService/Sessions/:id").handler(Responses.guard(auth::logout));
    }
    VendorProfile p = settings.profile();
    r.get(V1 + "/Systems").handler(ctx -> Responses.json(ctx, 200,
        model.collection("ComputerSystem", V1 + "/Systems", "Computer System Collection", model.systemUris()), null));
    List<String> ids = p.systemIds();
    for (int i = 0; i < ids.size(); i++) {
      BmcState st = i == 0 ? state : new BmcState(p);
      if (i > 0) {
        systems.add(st);
      }
      RedfishModel m = model.forSystem(ids.get(i));
      PowerControl pc = i == 0 ? power : new SimPower(vertx, st, settings);
      SystemRoutes system = new SystemRoutes(st, settings, m, new Preconditions(st, settings), tasks, pc);
      String sys = m.systemUri();
      r.get(sys).handler(Responses.guard(system::get));
      r.patch(sys).handler(Responses.guard(system::patch));
      r.post(sys + "/Actions/ComputerSystem.Reset").handler(Responses.guard(system::reset));
      r.get(sys + "/ResetActionInfo").handler(Responses.guard(system::resetActionInfo));
      if (backing != null) {
        st.mac = null; // a real system's NICs are not modelled: none listed
      }
      r.get(sys + "/EthernetInterfaces").handler(ctx -> Responses.json(ctx, 200, m.ethernetInterfaces(st), null));
      if (st.mac != null) {
        r.get(sys + "/EthernetInterfaces/NIC1").handler(ctx -> Responses.json(ctx, 200, m.ethernetInterface(st), null));
      }
      if (i == 0 || p.mediaUnderSystems()) {
        MediaRoutes media = new MediaRoutes(st, settings, m, i == 0 ? pre : new Preconditions(st, settings), tasks,
            fetcher, i == 0 ? backedMedia : null);
        String vm = m.mediaCollection();
        r.get(vm).handler(Responses.guard(media::collection));
        r.get(vm + "/:slot").handler(Responses.guard(media::get));
        r.patch(vm + "/:slot").handler(Responses.guard(media::patch));
        r.get(vm + "/:slot/InsertMediaActionInfo").handler(Responses.guard(media::actionInfo));
        r.post(vm + "/:slot/Actions/VirtualMedia.InsertMedia").handler(Responses.guard(media::insert));
        r.post(vm + "/:slot/Actions/VirtualMedia.EjectMedia").handler(Responses.guard(media::eject));
      }
    }
    r.get(V1 + "/Managers").handler(ctx -> Responses.json(ctx, 200,
        model.collection("Manager", V1 + "/Managers", "Manager Collection", List.of(model.managerUri())), null));
    r.get(model.managerUri()).handler(ctx -> Responses.json(ctx, 200, model.manager(), null));
    r.get(V1 + "/TaskService").handler(ctx -> Responses.json(ctx, 200, model.taskService(), null));
    r.get(V1 + "/TaskService/Tasks/:id").handler(Responses.guard(tasks::task));
    r.get(V1 + "/TaskService/TaskMonitors/:id").handler(Responses.guard(tasks::monitor));
    r.route().last().handler(ctx -> RedfishErrors.send(ctx, 404, "Base.1.15.ResourceNotFound",
        "The resource at " + ctx.normalizedPath() + " was not found.", ctx.normalizedPath()));

    HttpServerOptions o = new HttpServerOptions().setIdleTimeout(120);
    if (settings.tls() != null) {
      o.setSsl(true).setKeyCertOptions(settings.tls());
    }
    Future<Void> ready = backedMedia == null ? Future.succeededFuture() : backedMedia.forgetLeftovers();
    return ready.compose(v -> vertx.createHttpServer(o).requestHandler(r).listen(requestedPort, host))
        .onSuccess(s -> server = s);
  }

  @Override
  public Future<?> stop() {
    if (fetcher != null) {
      fetcher.close();
    }
    Future<Void> closed = server == null ? Future.succeededFuture() : server.close();
    if (backing == null) {
      return closed;
    }
    // nothing is left running when the BMC goes away
    return closed.eventually(() -> vertx.executeBlocking(() -> {
      backing.close();
      return null;
    }, false));
  }

  /** The real system behind this BMC, or null when it is only modelled. */
  public SystemBacking backing() {
    return backing;
  }

  public int port() {
    return server == null ? -1 : server.actualPort();
  }

  public String profile() {
    return settings.profile().name();
  }

  /** {@code https://[host]:port} (or http:// without TLS). */
  public String url() {
    String h = host.contains(":") ? "[" + host + "]" : host;
    return (settings.tls() == null ? "http" : "https") + "://" + h + ":" + port();
  }

  /** A copy of the (first) system's state, taken on the BMC's own context. */
  public Future<SimSnapshot> snapshot() {
    return snapshot(0);
  }

  /** A copy of system {@code i}'s state (in the order of the profile's system Ids). */
  public Future<SimSnapshot> snapshot(int i) {
    Promise<SimSnapshot> p = Promise.promise();
    context.runOnContext(v -> {
      BmcState state = systems.get(i);
      SlotState cd = state.slots.values().stream()
          .filter(s -> s.spec.mediaTypes().contains("CD") || s.spec.mediaTypes().contains("DVD"))
          .findFirst().orElse(null);
      p.complete(new SimSnapshot(state.powerState, state.bootTarget, state.bootEnabled, state.bootMode,
          cd == null ? null : cd.image, cd != null && cd.inserted, cd == null ? 0 : cd.bytes,
          cd == null ? null : cd.sha256, List.copyOf(state.boots), this.state.requests, this.state.sessions.size(),
          state.uuid, state.mac));
    });
    return p.future();
  }
}
