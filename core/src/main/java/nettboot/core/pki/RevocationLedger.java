package nettboot.core.pki;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import nettboot.core.error.InvalidInputException;
import nettboot.core.io.SecureFiles;

/**
 * The signing host's record of what it revoked, {@code DIR/revoked.tsv}, from which {@code pki
 * crl} signs the CRL: one line per serial, {@code serial<TAB>tenant<TAB>reason<TAB>revoked-at},
 * oldest first. Revoking a serial again changes nothing. Written atomically (0644: it is public).
 */
public final class RevocationLedger {
  public static final String FILE = "revoked.tsv";

  private final Path file;
  private final Map<String, Revocation> entries;

  private RevocationLedger(Path file, Map<String, Revocation> entries) {
    this.file = file;
    this.entries = entries;
  }

  /** The ledger of the PKI directory {@code dir} (empty when there is no file yet). */
  public static RevocationLedger read(Path dir) {
    Path file = dir.resolve(FILE);
    Map<String, Revocation> entries = new LinkedHashMap<>();
    if (Files.exists(file)) {
      try {
        int n = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
          n++;
          if (line.isBlank()) {
            continue;
          }
          String[] f = line.split("\t", -1);
          if (f.length != 4) {
            throw new InvalidInputException(file + ":" + n, "expected serial, tenant, reason, time");
          }
          Revocation r = new Revocation(f[0], f[1], RevocationReason.parse(f[2]), Instant.parse(f[3]), "");
          entries.putIfAbsent(r.serial(), r);
        }
      } catch (IOException e) {
        throw new InvalidInputException(file.toString(), "cannot read: " + e.getMessage());
      } catch (java.time.format.DateTimeParseException e) {
        throw new InvalidInputException(file.toString(), "bad time: " + e.getMessage());
      }
    }
    return new RevocationLedger(file, entries);
  }

  /** Adds {@code r} unless its serial is already there; true when it was added. */
  public boolean add(Revocation r) {
    return entries.putIfAbsent(r.serial(), r) == null;
  }

  public List<Revocation> entries() {
    return List.copyOf(new ArrayList<>(entries.values()));
  }

  /** Writes the ledger back (atomically). Blocks on disk I/O. */
  public void write() {
    StringBuilder sb = new StringBuilder();
    for (Revocation r : entries.values()) {
      sb.append(r.serial()).append('\t').append(r.tenant()).append('\t').append(r.reason().wireName())
          .append('\t').append(r.revokedAt()).append('\n');
    }
    SecureFiles.write(file, sb.toString().getBytes(StandardCharsets.UTF_8), false, true);
  }
}
