package nettboot.edge;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import nettboot.core.error.InvalidInputException;
import nettboot.core.machine.BootProfile;
import nettboot.core.machine.HistoryEntry;
import nettboot.core.machine.Lifecycle;
import nettboot.core.machine.Machine;
import nettboot.core.machine.MachineId;
import nettboot.core.machine.MachineState;
import nettboot.core.store.ArtifactRecord;
import nettboot.core.store.ConfigStore;

/**
 * The admin API's JSON (the contract is {@code docs/openapi.yaml}): request bodies parsed into
 * values, with a field-named InvalidInputException for anything malformed, and records rendered.
 */
final class AdminJson {
  private AdminJson() {}

  // ---- parsing ----

  /** The request body as a JSON object. */
  static JsonObject body(Buffer b) {
    if (b == null || b.length() == 0) {
      throw new InvalidInputException("body", "missing JSON object");
    }
    try {
      Object v = Json.decodeValue(b);
      if (v instanceof JsonObject o) {
        return o;
      }
      throw new InvalidInputException("body", "expected a JSON object");
    } catch (DecodeException e) {
      throw new InvalidInputException("body", "invalid JSON: " + firstLine(e.getMessage()));
    }
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    String line = nl < 0 ? s : s.substring(0, nl);
    return line.length() > 200 ? line.substring(0, 200) + "..." : line;
  }

  /** An optional string field (null when absent). */
  static String str(JsonObject b, String field) {
    Object v = b.getValue(field);
    if (v == null) {
      return null;
    }
    if (!(v instanceof String s)) {
      throw new InvalidInputException(field, "expected a string");
    }
    return s;
  }

  static String required(JsonObject b, String field) {
    String s = str(b, field);
    if (s == null || s.isEmpty()) {
      throw new InvalidInputException(field, "missing");
    }
    return s;
  }

  static List<String> strings(JsonObject b, String field) {
    Object v = b.getValue(field);
    if (v == null) {
      return List.of();
    }
    if (!(v instanceof JsonArray a)) {
      throw new InvalidInputException(field, "expected an array of strings");
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < a.size(); i++) {
      if (!(a.getValue(i) instanceof String s)) {
        throw new InvalidInputException(field + "[" + i + "]", "expected a string");
      }
      out.add(s);
    }
    return out;
  }

  /** Optional optimistic check: body "expectedVersion", else an If-Match header with the version. */
  static OptionalLong expectedVersion(JsonObject b, String ifMatch) {
    Object v = b.getValue("expectedVersion");
    if (v != null) {
      if (!(v instanceof Number n) || n.longValue() < 0) {
        throw new InvalidInputException("expectedVersion", "expected a non-negative integer");
      }
      return OptionalLong.of(n.longValue());
    }
    if (ifMatch != null) {
      String t = ifMatch.trim().replace("\"", "");
      try {
        return OptionalLong.of(Long.parseLong(t));
      } catch (NumberFormatException e) {
        throw new InvalidInputException("If-Match", "expected the machine version, e.g. \"7\"");
      }
    }
    return OptionalLong.empty();
  }

  // ---- rendering ----

  static JsonObject machine(Machine m) {
    JsonArray macs = new JsonArray();
    m.macs().forEach(mac -> macs.add(mac.value()));
    JsonArray legal = new JsonArray();
    for (MachineState s : MachineState.values()) {
      if (Lifecycle.isLegal(m.state(), s)) {
        legal.add(s.wireName());
      }
    }
    return new JsonObject()
        .put("key", m.key())
        .put("uuid", m.uuid().map(MachineId.Uuid::value).orElse(null))
        .put("macs", macs)
        .put("tenant", m.tenant())
        .put("role", m.role().wireName())
        .put("hostname", m.hostname())
        .put("profile", m.profile())
        .put("state", m.state().wireName())
        .put("version", m.version())
        .put("wipeServed", m.wipeServed())
        .put("legalTransitions", legal)
        .put("createdAt", m.createdAt().toString())
        .put("updatedAt", m.updatedAt().toString());
  }

  static JsonObject machines(List<Machine> ms) {
    JsonArray a = new JsonArray();
    ms.forEach(m -> a.add(machine(m)));
    return new JsonObject().put("machines", a);
  }

  static JsonObject history(List<HistoryEntry> h) {
    JsonArray a = new JsonArray();
    for (HistoryEntry e : h) {
      a.add(new JsonObject()
          .put("version", e.version())
          .put("from", e.from().map(MachineState::wireName).orElse(null))
          .put("to", e.to().wireName())
          .put("actor", e.actor())
          .put("reason", e.reason())
          .put("at", e.at().toString()));
    }
    return new JsonObject().put("history", a);
  }

  static JsonObject storedConfig(String machineId, ConfigStore.StoredConfig saved) {
    return new JsonObject().put("machine", machineId)
        .put("sha256", saved.sha256()).put("bytes", saved.body().length())
        .put("updatedAt", saved.updatedAt().toString());
  }

  static JsonObject profile(BootProfile p) {
    return new JsonObject().put("name", p.name()).put("tenant", p.tenant())
        .put("kernel", p.kernel()).put("initrd", p.initrd()).put("cmdline", p.cmdline())
        .put("updatedAt", p.updatedAt() == null ? null : p.updatedAt().toString());
  }

  static JsonObject profiles(List<BootProfile> ps) {
    JsonArray a = new JsonArray();
    ps.forEach(p -> a.add(profile(p)));
    return new JsonObject().put("profiles", a);
  }

  static JsonObject artifacts(List<ArtifactRecord> list) {
    JsonArray a = new JsonArray();
    for (ArtifactRecord r : list) {
      a.add(new JsonObject().put("name", r.name()).put("sha256", r.sha256())
          .put("size", r.size()).put("updatedAt", r.updatedAt().toString()));
    }
    return new JsonObject().put("artifacts", a);
  }

  /** The body of an error the router answers itself (no such endpoint, body too large, …). */
  static JsonObject error(String requestId, String message) {
    return new JsonObject().put("error", message).put("requestId", requestId);
  }
}
