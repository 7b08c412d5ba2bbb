package nettboot.edge;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
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

  /** The request body as a JSON object; a key twice in one object is refused. */
  static JsonObject body(Buffer b) {
    if (b == null || b.length() == 0) {
      throw new InvalidInputException("body", "missing JSON object");
    }
    refuseDuplicateKeys(b);
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

  /**
   * One streaming pass with Jackson's duplicate detection ({@code {"tenant":"a","tenant":"b"}} must
   * not silently mean b). A factory per call: admin requests are rare and it keeps no shared state.
   */
  private static void refuseDuplicateKeys(Buffer b) {
    JsonFactory strict = JsonFactory.builder()
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    try (JsonParser p = strict.createParser(b.getBytes())) {
      while (p.nextToken() != null) {
        // reading every token is the check
      }
    } catch (IOException e) {
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
      // Only a JSON integer within a long: 1.5, "3" and 2^64+2 are refused, never rounded or wrapped.
      long n = switch (v) {
        case Integer i -> i;
        case Long l -> l;
        default -> -1;
      };
      if (n < 0) {
        throw new InvalidInputException("expectedVersion",
            "expected a JSON integer from 0 to " + Long.MAX_VALUE + ", got " + describe(v));
      }
      return OptionalLong.of(n);
    }
    if (ifMatch != null) {
      String t = ifMatch.trim().replace("\"", "");
      long n;
      try {
        n = Long.parseLong(t);
      } catch (NumberFormatException e) {
        n = -1;
      }
      if (n < 0) {
        throw new InvalidInputException("If-Match", "expected the machine version, e.g. \"7\"");
      }
      return OptionalLong.of(n);
    }
    return OptionalLong.empty();
  }

  private static String describe(Object v) {
    String text = v instanceof String str ? "the string \"" + str + "\"" : String.valueOf(v);
    return text.length() > 64 ? text.substring(0, 64) + "..." : text;
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
