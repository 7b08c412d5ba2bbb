package nettboot.core.talos;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Objects;
import nettboot.core.error.InvalidInputException;

/**
 * Checks a machine config an operator uploads: every YAML document must validate against the
 * Talos schema. Parsing and validation are CPU work (run them off the event loop); an instance is
 * immutable and thread-safe, made once per server.
 */
public final class ConfigValidator {
  private final MachineConfigGenerator parser;

  public ConfigValidator(TalosSchema schema) {
    this.parser = new MachineConfigGenerator(Objects.requireNonNull(schema, "schema"));
  }

  /**
   * @param machineId names the machine in problems
   * @throws InvalidInputException (field "body") when there is no document, or with one detail per
   *     schema violation
   */
  public void check(String machineId, String yaml) {
    List<JsonNode> docs = parser.parseAll(yaml, machineId);
    if (docs.isEmpty()) {
      throw new InvalidInputException("body", "no YAML document");
    }
    parser.validate(machineId, docs);
  }
}
