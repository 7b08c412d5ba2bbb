package nettboot.core.redfish;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The boot override: target {@code Cd} (or {@code UsbCd} where AllowableValues says so),
 * {@code Continuous} (or {@code Once} where the BMC refuses Continuous), mode {@code UEFI} where
 * offered; PATCHed with If-Match and verified by re-reading.
 */
final class BootOverride {
  private final RedfishHttp http;
  private final ConditionalPatch patch;
  private final Discovery discovery;

  BootOverride(RedfishHttp http, ConditionalPatch patch, Discovery discovery) {
    this.http = http;
    this.patch = patch;
    this.discovery = discovery;
  }

  /** What the BMC's AllowableValues permit; fails when neither Cd nor UsbCd is allowed. */
  BootInterception plan(SystemInfo system) {
    JsonObject boot = system.boot();
    List<String> targets = Odata.strings(boot, "BootSourceOverrideTarget@Redfish.AllowableValues");
    String target;
    if (targets == null) {
      target = "Cd";
      http.report().quirk("no BootSourceOverrideTarget AllowableValues: trying Cd");
    } else if (targets.contains("Cd")) {
      target = "Cd";
    } else if (targets.contains("UsbCd")) {
      target = "UsbCd";
      http.report().quirk("AllowableValues offer UsbCd, not Cd: boot target UsbCd");
    } else {
      http.report().capability("boot-override", "none", "AllowableValues " + targets + " lack Cd and UsbCd");
      throw new StepFailure("boot-override", "boot target not allowed: BootSourceOverrideTarget "
          + "AllowableValues " + targets + " has neither Cd nor UsbCd");
    }
    List<String> enabled = Odata.strings(boot, "BootSourceOverrideEnabled@Redfish.AllowableValues");
    String en;
    if (enabled == null || enabled.contains("Continuous")) {
      en = "Continuous";
    } else if (enabled.contains("Once")) {
      en = "Once";
      http.report().quirk("BootSourceOverrideEnabled offers no Continuous " + enabled
          + ": Once, re-applied before every power action");
    } else {
      http.report().capability("boot-override", "none", "BootSourceOverrideEnabled AllowableValues " + enabled);
      throw new StepFailure("boot-override", "BootSourceOverrideEnabled AllowableValues " + enabled
          + " has neither Continuous nor Once");
    }
    List<String> modes = Odata.strings(boot, "BootSourceOverrideMode@Redfish.AllowableValues");
    String mode = "";
    if (modes != null && !modes.contains("UEFI")) {
      http.report().quirk("BootSourceOverrideMode AllowableValues " + modes + " lack UEFI: mode left as is");
    } else if (modes != null || boot.containsKey("BootSourceOverrideMode")) {
      mode = "UEFI";
    } else {
      http.report().quirk("no BootSourceOverrideMode property: mode left as is");
    }
    BootInterception plan = new BootInterception(target, en, mode, en.equals("Continuous"));
    http.report().capability("boot-override", en.equals("Continuous") ? "continuous" : "once-only",
        target + " " + en + (enabled == null ? " (no BootSourceOverrideEnabled AllowableValues)"
            : " (AllowableValues " + enabled + ")"));
    http.report().capability("uefi", mode.isEmpty() ? "no" : "yes", mode.isEmpty()
        ? (modes == null ? "no BootSourceOverrideMode property" : "BootSourceOverrideMode AllowableValues " + modes)
        : "BootSourceOverrideMode " + (modes == null ? "present" : "AllowableValues " + modes));
    http.report().record("boot-override", "plan", 0, "AllowableValues target " + listed(targets) + ", enabled "
        + listed(enabled) + ", mode " + listed(modes), plan.describe());
    return plan;
  }

  /** PATCHes the plan; a 400 against Continuous falls back to Once. Returns what was set. */
  Future<BootInterception> apply(SystemInfo system, BootInterception plan) {
    return send("boot-override", system, plan).compose(r -> {
      if (r.success()) {
        return verify(system, plan, 1);
      }
      if (r.status() == 400 && plan.enabled().equals("Continuous")
          && (r.errorText().contains("Continuous") || r.errorText().contains("BootSourceOverrideEnabled"))) {
        http.report().quirk("BMC refused Continuous (HTTP 400): Once, re-applied before every power action");
        http.report().capability("boot-override", "once-only", "Continuous listed but refused with HTTP 400: "
            + r.bmcSaid());
        BootInterception once = new BootInterception(plan.target(), "Once", plan.mode(), false);
        return send("boot-override", system, once).compose(r2 -> {
          if (!r2.success()) {
            throw refused(r2);
          }
          return verify(system, once, 1);
        });
      }
      throw refused(r);
    });
  }

  /** Sets a Once override again right before a power action. */
  Future<Void> reapply(SystemInfo system, BootInterception i) {
    return send("reapply-once", system, i).map(r -> {
      if (!r.success()) {
        throw new StepFailure("reapply-once", "the BMC refused to re-apply the Once override (HTTP "
            + r.status() + "): " + r.bmcSaid());
      }
      return null;
    });
  }

  private Future<RedfishResponse> send(String step, SystemInfo system, BootInterception i) {
    JsonObject boot = new JsonObject().put("BootSourceOverrideTarget", i.target())
        .put("BootSourceOverrideEnabled", i.enabled());
    if (!i.mode().isEmpty()) {
      boot.put("BootSourceOverrideMode", i.mode());
    }
    return patch.patch(step, system.uri(), new JsonObject().put("Boot", boot));
  }

  private Future<BootInterception> verify(SystemInfo system, BootInterception i, int n) {
    return discovery.readSystem(system.uri()).compose(now -> {
      JsonObject b = now.boot();
      boolean ok = i.target().equals(b.getString("BootSourceOverrideTarget"))
          && i.enabled().equals(b.getString("BootSourceOverrideEnabled"))
          && (i.mode().isEmpty() || i.mode().equals(b.getString("BootSourceOverrideMode", i.mode())));
      if (ok) {
        http.report().record("verify-boot", system.uri(), 200, "Boot " + i.target() + " " + i.enabled()
            + (i.mode().isEmpty() ? "" : " " + i.mode()), "");
        return Future.succeededFuture(i);
      }
      if (n < http.options().verifyAttempts()) {
        return http.sleep(http.options().retryDelay()).compose(v -> verify(system, i, n + 1));
      }
      throw new StepFailure("verify-boot", "the BMC accepted the override but reads back target "
          + b.getString("BootSourceOverrideTarget") + " enabled " + b.getString("BootSourceOverrideEnabled"));
    });
  }

  private static String listed(List<String> values) {
    return values == null ? "(not listed)" : values.toString();
  }

  private static StepFailure refused(RedfishResponse r) {
    return new StepFailure("boot-override", "the BMC refused the boot override (HTTP " + r.status() + "): " + r.bmcSaid());
  }
}
