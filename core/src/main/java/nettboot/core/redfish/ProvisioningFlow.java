package nettboot.core.redfish;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The zero-touch sequence against one BMC (DESIGN §6): service root → login (session, else basic) →
 * system (the one bmc.system names, else the only one) → identity (node UUID/MACs vs the System's) →
 * manager facts → CD/DVD slot (System first, then Manager) → eject → insert → verify → boot override
 * (Cd/UsbCd, Continuous/Once, UEFI) → verify → reset (re-applying a Once override first) → logout.
 * The returned future always succeeds; a failure is the report's failed step and reason.
 */
public final class ProvisioningFlow {
  private static final System.Logger LOG = System.getLogger("nettboot.redfish");
  private final Vertx vertx;
  private final RedfishOptions options;
  private final Consumer<String> progress;

  public ProvisioningFlow(Vertx vertx, RedfishOptions options) {
    this(vertx, options, line -> { });
  }

  /** @param progress receives a line while a node waits (retries, task monitors, slow answers) */
  public ProvisioningFlow(Vertx vertx, RedfishOptions options, Consumer<String> progress) {
    this.vertx = Objects.requireNonNull(vertx);
    this.options = Objects.requireNonNull(options);
    this.progress = Objects.requireNonNull(progress);
  }

  /** Runs the flow without a node identity to compare (nothing is checked). */
  public Future<ProvisionReport> run(BmcTarget target, String mediaUrl, Mode mode) {
    return run(target, NodeIdentity.unknown(), mediaUrl, mode);
  }

  /**
   * Runs the flow.
   *
   * @param identity who the node is; compared with the System before anything is touched
   * @param mediaUrl the ISO the BMC mounts; may be null only in {@link Mode#DISCOVER}
   */
  public Future<ProvisionReport> run(BmcTarget target, NodeIdentity identity, String mediaUrl, Mode mode) {
    if (mediaUrl == null && mode != Mode.DISCOVER) {
      throw new IllegalArgumentException("a media URL is required unless only discovering");
    }
    ReportBuilder report = new ReportBuilder(target.name(), target.display(), mode, progress);
    if (target.trust() instanceof BmcTrust.Insecure && "https".equals(target.url().getScheme())) {
      report.quirk("TLS certificate verification disabled by the explicit insecure flag");
    } else if ("http".equals(target.url().getScheme())) {
      report.quirk("plain HTTP by the explicit insecure flag: credentials travel unencrypted");
    }
    if (mediaUrl != null && mediaUrl.startsWith("http://")) {
      String warning = "media URL is plain http://: the ISO holds the tenant's key, anyone on the path can read "
          + "or replace it; use https://";
      report.quirk(warning);
      LOG.log(System.Logger.Level.WARNING, "BMC " + target.display() + " (" + target.name() + "): " + warning);
    }
    RedfishHttp http;
    try {
      http = new RedfishHttp(vertx, BmcClients.create(vertx, target, options), target, options, report);
    } catch (RuntimeException e) {
      report.fail("tls", e.getMessage());
      return Future.succeededFuture(report.build());
    }
    Run run = new Run(http, target, identity, mediaUrl, mode);
    Promise<Void> finished = Promise.promise();
    long deadline = vertx.setTimer(options.nodeTimeout().toMillis(), id -> {
      Duration d = options.nodeTimeout();
      String why = "node deadline of " + (d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms")
          + " passed; nothing more sent to the BMC";
      http.stop(why);
      report.fail(report.currentStep(), why);
      finished.tryComplete();
    });
    run.steps()
        .recover(e -> {
          if (e instanceof StepFailure f) {
            report.fail(f.step(), f.getMessage());
          } else {
            report.fail("internal", String.valueOf(e));
          }
          return Future.succeededFuture();
        })
        .compose(v -> run.session.logout())
        .onComplete(ar -> finished.tryComplete());
    return finished.future()
        .eventually(() -> {
          vertx.cancelTimer(deadline);
          return http.close();
        })
        .map(v -> {
          run.finishCapabilities();
          return report.build();
        });
  }

  /** One run's collaborators and the order of its steps. */
  private static final class Run {
    final RedfishHttp http;
    final BmcTarget target;
    final NodeIdentity identity;
    final String mediaUrl;
    final Mode mode;
    final Session session;
    final Discovery discovery;
    final TaskMonitor tasks;
    final ConditionalPatch patch;
    final VirtualMediaSteps media;
    final BootOverride boot;
    final PowerControl power;

    Run(RedfishHttp http, BmcTarget target, NodeIdentity identity, String mediaUrl, Mode mode) {
      this.http = http;
      this.target = target;
      this.identity = identity;
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
            .compose(v -> discovery.system(systems, target.system(), mode))
            .compose(system -> {
              etags(system);
              return new IdentityCheck(http).check(system, identity)
                  .compose(v -> discovery.managerFacts(managers, system))
                  .compose(v -> discovery.cdSlot(system, managers))
                  .compose(slot -> afterDiscovery(system, slot));
            });
      });
    }

    private void etags(SystemInfo system) {
      if (system.etag() != null) {
        http.report().capability("etags", "yes", "the System carries an ETag: PATCHes are sent with If-Match");
      } else {
        http.report().capability("etags", "no", "no ETag on the System: PATCHes are sent without If-Match");
      }
    }

    private Future<Void> afterDiscovery(SystemInfo system, MediaSlot slot) {
      BootInterception plan = boot.plan(system);
      http.report().interception(plan);
      if (mode == Mode.DISCOVER) {
        Future<Void> params = mediaUrl != null && slot.insertAction() != null
            ? InsertParameters.discover(http, slot, mediaUrl).map(p -> {
              p.checkProtocol();
              return null;
            })
            : Future.succeededFuture();
        return params.compose(v -> power.choose(system)).mapEmpty();
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
        http.report().record("reset", "skipped (dry run)", 0, "", "dry run: would send ResetType " + type);
        return null;
      });
    }

    /** Verdicts the run can only give at its end. */
    void finishCapabilities() {
      ReportBuilder r = http.report();
      if (r.capability("task-monitors").verdict().equals("unknown") && !r.failed()) {
        r.capability("task-monitors", "not-seen", mode == Mode.DISCOVER
            ? "read-only run: no action sent" : "every action and PATCH was answered directly (no 202 Accepted)");
      }
    }
  }
}
