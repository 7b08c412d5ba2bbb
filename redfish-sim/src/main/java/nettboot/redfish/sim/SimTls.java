package nettboot.redfish.sim;

import io.vertx.core.net.PemKeyCertOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import nettboot.core.pki.EmbeddedCa;

/**
 * The simulator's TLS: a server certificate from an {@link EmbeddedCa} (created in {@code dir} if
 * absent), so a Redfish client can pin the CA ({@code root-ca.crt}) or the leaf.
 */
public final class SimTls {
  private SimTls() {}

  /** Loads the CA in {@code dir} or creates one whose server certificate names {@code addresses}. */
  public static EmbeddedCa ca(Path dir, List<String> addresses) {
    if (Files.exists(dir.resolve(EmbeddedCa.ROOT_KEY))) {
      return EmbeddedCa.load(dir);
    }
    return EmbeddedCa.init(dir, "redfish-sim.invalid", addresses, Clock.systemUTC());
  }

  public static PemKeyCertOptions keyCert(EmbeddedCa ca) {
    return new PemKeyCertOptions().setCertPath(ca.serverCertPath().toString())
        .setKeyPath(ca.serverKeyPath().toString());
  }
}
