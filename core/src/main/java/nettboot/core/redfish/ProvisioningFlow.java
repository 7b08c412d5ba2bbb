package nettboot.core.redfish;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Objects;

/**
 * The zero-touch sequence against one BMC (DESIGN §6): service root → login (session, else basic) →
 * system → CD/DVD slot (System first, then Manager) → eject → insert → verify → boot override
 * (Cd/UsbCd, Continuous/Once, UEFI) → verify → reset (re-applying a Once override first) → logout.
 * The returned future always succeeds; a failure is the report's failed step and reason.
 */
public final class ProvisioningFlow {
  private final Vertx vertx;
  private final RedfishOptions options;

  public ProvisioningFlow(Vertx vertx, RedfishOptions options) {
    this.vertx = Objects.requireNonNull(vertx);
    this.options = Objects.requireNonNull(options);
  }

  /**
   * Runs the flow.
   *
   * @param mediaUrl the ISO the BMC mounts; may be null only in {@link Mode#DISCOVER}
   */
  public Future<ProvisionReport> run(BmcTarget target, String mediaUrl, Mode mode) {
    if (mediaUrl == null && mode != Mode.DISCOVER) {
      throw new IllegalArgumentException("a media URL is required unless only discovering");
    }
    ReportBuilder report = new ReportBuilder(target.name(), target.display(), mode);
    if (target.trust() instanceof BmcTrust.Insecure) {
      report.quirk("TLS certificate verification disabled by the explicit insecure flag");
    }
    RedfishHttp http;
    try {
      http = new RedfishHttp(vertx, BmcClients.create(vertx, target, options), target, options, report);
    } catch (RuntimeException e) {
      report.fail("tls", e.getMessage());
      return Future.succeededFuture(report.build());
    }
    Run run = new Run(http, mediaUrl, mode);
    return run.steps()
        .recover(e -> {
          if (e instanceof StepFailure f) {
            report.fail(f.step(), f.getMessage());
          } else {
            report.fail("internal", String.valueOf(e));
          }
          return Future.succeededFuture();
        })
        .compose(v -> run.session.logout())
        .eventually(http::close)
        .map(v -> report.build());
  }

  /** One run's collaborators and the order of its steps. */
  private static final class Run {
    final RedfishHttp http;
    final String mediaUrl;
    final Mode mode;
    final Session session;
    final Discovery discovery;
    final TaskMonitor tasks;
    final ConditionalPatch patch;
    final VirtualMediaSteps media;
    final BootOverride boot;
    final PowerControl power;

    Run(RedfishHttp http, String mediaUrl, Mode mode) {
      this.http = http;
      this.mediaUrl = mediaUrl;
      this.mode = mode;
      this.session = new Session(http);
      this.discovery = new Discovery(http);
      this.tasks = new TaskMonitor(http);
      this.patch = new ConditionalPatch(http, tasks);
      this.media = new VirtualMediaSteps(http, tasks, patch, discovery);
      this.boot = new BootOverride(http, patch, discovery);
      this.power = new PowerControl(http, tasks);
    }

    Future<Void> steps() {
      return session.serviceRoot().compose(root -> {
        String systems = Odata.link(root, "Systems");
        String managers = Odata.link(root, "Managers");
        return session.login(root, systems)
            .compose(v -> discovery.system(systems))
            .compose(system -> discovery.cdSlot(system, managers).compose(slot -> afterDiscovery(system, slot)));
      });
    }

    private Future<Void> afterDiscovery(SystemInfo system, MediaSlot slot) {
      BootInterception plan = boot.plan(system);
      http.report().interception(plan);
      if (mode == Mode.DISCOVER) {
        if (mediaUrl != null && slot.insertAction() != null) {
          return InsertParameters.discover(http, slot, mediaUrl).map(p -> {
            p.checkProtocol();
            return null;
          });
        }
        return Future.succeededFuture();
      }
      return media.mount(slot, mediaUrl)
          .compose(v -> boot.apply(system, plan))
          .compose(set -> {
            http.report().interception(set);
            return mode == Mode.FULL ? reset(system, set) : skipReset(system);
          });
    }

    private Future<Void> reset(SystemInfo system, BootInterception set) {
      Future<Void> before = set.enabled().equals("Once") ? boot.reapply(system, set) : Future.succeededFuture();
      return before.compose(v -> discovery.readSystem(system.uri()))
          .compose(now -> power.choose(now).compose(type -> power.reset(now, type)));
    }

    private Future<Void> skipReset(SystemInfo system) {
      return discovery.readSystem(system.uri()).compose(now -> power.choose(now)).map(type -> {
        http.report().record("reset", "skipped (dry run)", 0, "", "would send ResetType " + type);
        return null;
      });
    }
  }

}
