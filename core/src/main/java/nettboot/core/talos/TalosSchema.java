package nettboot.core.talos;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * The official Talos machine-config JSON Schema (draft 2020-12), loaded once from the classpath.
 * Its top level is a {@code oneOf} over every document kind, so a document validates when it is
 * exactly one known kind with no unknown fields. Instances are immutable and thread-safe.
 */
public final class TalosSchema {
  private final JsonSchema schema;

  private TalosSchema(JsonSchema schema) {
    this.schema = schema;
  }

  /** Loads the bundled schema (see {@link TalosVersions#SCHEMA_RESOURCE}). */
  public static TalosSchema load() {
    try (InputStream in = TalosSchema.class.getResourceAsStream(TalosVersions.SCHEMA_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(TalosVersions.SCHEMA_RESOURCE + " is missing from the classpath");
      }
      JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
      SchemaValidatorsConfig config = SchemaValidatorsConfig.builder()
          .formatAssertionsEnabled(false)
          .build();
      JsonSchema s = factory.getSchema(in, config);
      s.initializeValidators();
      return new TalosSchema(s);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + TalosVersions.SCHEMA_RESOURCE, e);
    }
  }

  /** The problems of one document, sorted; empty when it is valid. */
  public List<String> validate(JsonNode document) {
    Set<ValidationMessage> messages = schema.validate(document);
    return messages.stream().map(ValidationMessage::getMessage)
        .sorted(Comparator.naturalOrder()).toList();
  }
}
