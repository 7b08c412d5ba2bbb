package nettboot.core.pki;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Objects;
import nettboot.core.error.InvalidInputException;
import nettboot.core.io.SecureFiles;

/** The contents of {@code pki.json}: what the directory was initialised for. */
record PkiSettings(int version, String bootDomain, List<String> serverAddresses, String createdAt) {
  static final int CURRENT_VERSION = 1;

  PkiSettings {
    serverAddresses = serverAddresses == null ? List.of() : List.copyOf(serverAddresses);
  }

  private static ObjectMapper mapper() {
    return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  }

  /** Writes {@code pki.json} atomically (it holds no secret). */
  static void write(Path file, PkiSettings settings) {
    byte[] json;
    try {
      json = mapper().writeValueAsBytes(settings);
    } catch (JacksonException e) {
      throw new IllegalStateException("cannot encode " + EmbeddedCa.SETTINGS, e);
    }
    SecureFiles.write(file, json, false, true);
  }

  /**
   * Reads and checks {@code pki.json}.
   *
   * @throws InvalidInputException naming the file when it is unreadable, of another version or invalid
   */
  static PkiSettings read(Path file) {
    PkiSettings s;
    try {
      s = mapper().readValue(Files.readAllBytes(file), PkiSettings.class);
    } catch (JacksonException e) {
      throw new InvalidInputException(file.toString(), "not valid " + EmbeddedCa.SETTINGS + " (expected JSON "
          + "with version, bootDomain, serverAddresses, createdAt): " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new InvalidInputException(file.toString(), "cannot be read: " + e.getMessage());
    }
    if (s == null || s.version() != CURRENT_VERSION) {
      throw new InvalidInputException(file.toString(), "unsupported version "
          + (s == null ? "null" : s.version()) + "; expected " + CURRENT_VERSION);
    }
    try {
      Addresses.requireDomain("bootDomain", s.bootDomain());
      EmbeddedCa.validateAddresses(s.serverAddresses());
      Instant.parse(Objects.requireNonNullElse(s.createdAt(), ""));
    } catch (InvalidInputException e) {
      throw new InvalidInputException(file.toString(), e.getMessage());
    } catch (DateTimeParseException e) {
      throw new InvalidInputException(file.toString(), "createdAt: not an ISO-8601 instant");
    }
    return s;
  }
}
