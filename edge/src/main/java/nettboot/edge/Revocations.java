package nettboot.edge;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import nettboot.core.pki.ClientIdentity;
import nettboot.core.pki.Revocation;
import nettboot.core.pki.RevocationReason;
import nettboot.core.pki.VerifiedCrl;
import nettboot.core.store.RevocationStore;

/**
 * The revoked client certificates this replica refuses: every revocation in the inventory database
 * (held in memory, checked on every mTLS handshake and request without a query) and the entries of
 * the external CRLs loaded with {@code serve --crl}.
 *
 * <p>Currency: a revocation made through this replica is in memory before its admin request is
 * answered; on PostgreSQL, other replicas' revocations arrive over the change feed ({@link
 * nettboot.core.store.ChangeFeed#REVOCATIONS}), each announcement reloading the whole list (a
 * single query; the list is small), as does every reconnection of the feed.
 */
final class Revocations {
  /** What refused a certificate: the serial, its tenant (or empty), why, and which list said so. */
  record Hit(String serial, String tenant, RevocationReason reason, String source) {}

  private final RevocationStore store;
  private final String bootDomain;
  private final JsonLog log;
  private final ConcurrentHashMap<String, Revocation> bySerial = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, VerifiedCrl> crls = new ConcurrentHashMap<>();
  private final AtomicBoolean reloading = new AtomicBoolean();
  private final AtomicBoolean reloadAgain = new AtomicBoolean();

  Revocations(RevocationStore store, String bootDomain, JsonLog log) {
    this.store = store;
    this.bootDomain = bootDomain;
    this.log = log;
  }

  /** Loads the stored list (at start-up, and again on every change announcement). */
  Future<Integer> load() {
    return store.all().map(all -> {
      for (Revocation r : all) {
        bySerial.putIfAbsent(r.serial(), r);
      }
      return all.size();
    });
  }

  /**
   * A change announced by another replica (or a resubscription): reloads; calls that arrive while
   * a reload runs are folded into one more reload after it.
   */
  void changed(Vertx vertx) {
    if (!reloading.compareAndSet(false, true)) {
      reloadAgain.set(true);
      return;
    }
    reloadAgain.set(false);
    load().onComplete(ar -> {
      if (ar.failed()) {
        log.warn("revocations_reload_failed", JsonLog.fields("error", String.valueOf(ar.cause().getMessage()),
            "retry_ms", 1000));
        reloading.set(false);
        vertx.setTimer(1000, t -> changed(vertx));
        return;
      }
      reloading.set(false);
      if (reloadAgain.getAndSet(false)) {
        changed(vertx);
      }
    });
  }

  /** Records {@code r} and refuses its serial on this replica at once. */
  Future<RevocationStore.Added> revoke(Revocation r) {
    return store.revoke(r).onSuccess(added -> {
      bySerial.putIfAbsent(added.revocation().serial(), added.revocation());
      if (added.created()) {
        Revocation s = added.revocation();
        log.info("certificate_revoked", JsonLog.fields("serial", s.serial(), "tenant", s.tenant(),
            "reason", s.reason().wireName(), "actor", s.actor()));
      }
    });
  }

  /** Every stored revocation, oldest first. */
  Future<List<Revocation>> list() {
    return store.all();
  }

  /** Puts (or replaces) the verified CRL loaded from {@code source}. */
  void crl(String source, VerifiedCrl crl) {
    crls.put(source, crl);
  }

  Map<String, VerifiedCrl> crls() {
    return Map.copyOf(crls);
  }

  /** Whether any certificate of {@code chain} is revoked, and by what. */
  Optional<Hit> check(List<? extends java.security.cert.Certificate> chain) {
    if (chain == null || (bySerial.isEmpty() && crls.isEmpty())) {
      return Optional.empty();
    }
    for (java.security.cert.Certificate c : chain) {
      if (c instanceof X509Certificate x) {
        Optional<Hit> hit = check(x, chain.get(0));
        if (hit.isPresent()) {
          return hit;
        }
      }
    }
    return Optional.empty();
  }

  private Optional<Hit> check(X509Certificate c, java.security.cert.Certificate leaf) {
    String serial = Revocation.serialOf(c);
    Revocation r = bySerial.get(serial);
    if (r != null) {
      return Optional.of(new Hit(serial, r.tenant().isEmpty() ? tenantOf(leaf) : r.tenant(), r.reason(),
          "inventory"));
    }
    for (Map.Entry<String, VerifiedCrl> e : crls.entrySet()) {
      Optional<RevocationReason> why = e.getValue().revoked(c);
      if (why.isPresent()) {
        return Optional.of(new Hit(serial, tenantOf(leaf), why.get(), e.getKey()));
      }
    }
    return Optional.empty();
  }

  private String tenantOf(java.security.cert.Certificate leaf) {
    return leaf instanceof X509Certificate x
        && ClientIdentity.of(x, bootDomain) instanceof ClientIdentity.Tenant t ? t.name() : "";
  }
}
