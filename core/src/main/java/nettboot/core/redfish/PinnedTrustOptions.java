package nettboot.core.redfish;

import io.vertx.core.Vertx;
import io.vertx.core.net.TrustOptions;
import java.security.KeyStore;
import java.util.function.Function;
import javax.net.ssl.ManagerFactoryParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.TrustManagerFactorySpi;

/** Hands one {@link PinningTrustManager} to Vert.x's TLS setup. */
final class PinnedTrustOptions implements TrustOptions {
  private final PinningTrustManager trustManager;

  PinnedTrustOptions(PinningTrustManager trustManager) {
    this.trustManager = trustManager;
  }

  @Override
  public TrustOptions copy() {
    return this; // immutable
  }

  @Override
  public TrustManagerFactory getTrustManagerFactory(Vertx vertx) {
    TrustManager[] managers = {trustManager};
    TrustManagerFactorySpi spi = new TrustManagerFactorySpi() {
      @Override
      protected void engineInit(KeyStore ks) {
        // the pins are fixed at construction
      }

      @Override
      protected void engineInit(ManagerFactoryParameters spec) {
        // the pins are fixed at construction
      }

      @Override
      protected TrustManager[] engineGetTrustManagers() {
        return managers.clone();
      }
    };
    return new TrustManagerFactory(spi, null, "nett-boot-pinned") { };
  }

  @Override
  public Function<String, TrustManager[]> trustManagerMapper(Vertx vertx) {
    TrustManager[] managers = {trustManager};
    return serverName -> managers.clone();
  }
}
