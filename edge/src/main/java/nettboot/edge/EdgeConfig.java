package nettboot.edge;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import nettboot.core.machine.Names;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import nettboot.core.error.InvalidInputException;

/**
 * The metadata server's configuration: one validated record built at start-up.
 *
 * @param boot boot listener (iPXE: mTLS with tenant certificates)
 * @param config config listener (Talos: server-only TLS)
 * @param admin admin API listener (mTLS with admin certificates)
 * @param ops ops listener (plain HTTP: metrics, health); keep it on a management address
 * @param serverCert PEM chain: server leaf then the root (iPXE needs the root sent)
 * @param serverKey PEM private key of the server certificate
 * @param clientCa PEM root CA that issues tenant and admin client certificates
 * @param bootDomain tenants are {@code CN=<tenant>.<bootDomain>}
 * @param artifactDir where artifact blobs live
 * @param eventLoops number of event loops (defaults to the number of cores)
 * @param configTokenTtl how long a config token minted at netboot stays valid (Talos logs the
 *     URL, so keep it short; it also ends when the machine is installed)
 * @param events Talos events sink listener (plain gRPC, as Talos speaks it), or null when off;
 *     when on, install netboots carry {@code talos.events.sink} and install evidence from Talos
 *     moves machines to Active
 * @param limits per-client deadlines and boot-lookup budgets ({@link ClientLimits#DEFAULT})
 * @param adminTenants admin certificate names ({@code CN}) limited to a set of tenants; an admin
 *     not named here sees every tenant
 * @param crl external CAs' CRLs to load and refresh ({@link CrlSources#NONE}: none)
 */
public record EdgeConfig(
    ListenAddress boot,
    ListenAddress config,
    ListenAddress admin,
    ListenAddress ops,
    Path serverCert,
    Path serverKey,
    Path clientCa,
    String bootDomain,
    Path artifactDir,
    int eventLoops,
    long maxAdminBodyBytes,
    long maxArtifactBytes,
    Duration idleTimeout,
    Duration handshakeTimeout,
    boolean accessLog,
    Duration configTokenTtl,
    ListenAddress events,
    ClientLimits limits,
    Map<String, Set<String>> adminTenants,
    CrlSources crl) {

  public static final long DEFAULT_MAX_ADMIN_BODY = 1 << 20;
  public static final long DEFAULT_MAX_ARTIFACT = 16L << 30;

  public EdgeConfig {
    Objects.requireNonNull(boot, "boot");
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(admin, "admin");
    Objects.requireNonNull(ops, "ops");
    requireReadable("server certificate", serverCert);
    requireReadable("server key", serverKey);
    requireReadable("client CA", clientCa);
    if (bootDomain == null || bootDomain.isBlank()) {
      throw new InvalidInputException("boot-domain", "missing");
    }
    Objects.requireNonNull(artifactDir, "artifactDir");
    if (eventLoops < 1 || eventLoops > 256) {
      throw new InvalidInputException("event-loops", eventLoops + " is outside 1..256");
    }
    if (maxAdminBodyBytes < 1024) {
      throw new InvalidInputException("max-admin-body", "at least 1024 bytes");
    }
    if (maxArtifactBytes < 1) {
      throw new InvalidInputException("max-artifact-size", "must be positive");
    }
    if (idleTimeout.isNegative() || idleTimeout.isZero()) {
      throw new InvalidInputException("idle-timeout", "must be positive");
    }
    if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
      throw new InvalidInputException("handshake-timeout", "must be positive");
    }
    if (configTokenTtl.compareTo(Duration.ofMinutes(1)) < 0 || configTokenTtl.compareTo(Duration.ofHours(24)) > 0) {
      throw new InvalidInputException("config-token-ttl", "must be between 1 minute and 24 hours");
    }
    Objects.requireNonNull(limits, "limits");
    adminTenants = validTenantScopes(adminTenants);
    Objects.requireNonNull(crl, "crl");
  }

  /** Admin names and tenant names checked; each admin limited to at least one tenant. */
  private static Map<String, Set<String>> validTenantScopes(Map<String, Set<String>> scopes) {
    Map<String, Set<String>> out = new TreeMap<>();
    for (Map.Entry<String, Set<String>> e : scopes.entrySet()) {
      Names.requireAdmin("admin-tenants", e.getKey());
      if (e.getValue().isEmpty()) {
        throw new InvalidInputException("admin-tenants", "admin " + e.getKey() + " is limited to no tenant");
      }
      for (String t : e.getValue()) {
        Names.requireTenant("admin-tenants", t);
      }
      out.put(e.getKey(), Set.copyOf(e.getValue()));
    }
    return Collections.unmodifiableMap(out);
  }

  /** The tenants {@code admin} is limited to; empty when it sees every tenant. */
  public Optional<Set<String>> tenantsOf(String admin) {
    return Optional.ofNullable(adminTenants.get(admin));
  }

  /** The same configuration with admin certificates limited to tenants. */
  public EdgeConfig withAdminTenants(Map<String, Set<String>> scopes) {
    return new EdgeConfig(boot, config, admin, ops, serverCert, serverKey, clientCa, bootDomain,
        artifactDir, eventLoops, maxAdminBodyBytes, maxArtifactBytes, idleTimeout,
        handshakeTimeout, accessLog, configTokenTtl, events, limits, scopes, crl);
  }

  /** Defaults for everything but addresses and files. */
  public static EdgeConfig of(ListenAddress boot, ListenAddress config, ListenAddress admin,
      ListenAddress ops, Path serverCert, Path serverKey, Path clientCa, String bootDomain,
      Path artifactDir) {
    return new EdgeConfig(boot, config, admin, ops, serverCert, serverKey, clientCa, bootDomain,
        artifactDir, Math.max(1, Runtime.getRuntime().availableProcessors()),
        DEFAULT_MAX_ADMIN_BODY, DEFAULT_MAX_ARTIFACT, Duration.ofSeconds(60),
        Duration.ofSeconds(10), true, Duration.ofHours(1), null, ClientLimits.DEFAULT, Map.of(), CrlSources.NONE);
  }

  /** The same configuration with the Talos events sink listening on {@code address} (null: off). */
  public EdgeConfig withEvents(ListenAddress address) {
    return new EdgeConfig(boot, config, admin, ops, serverCert, serverKey, clientCa, bootDomain,
        artifactDir, eventLoops, maxAdminBodyBytes, maxArtifactBytes, idleTimeout,
        handshakeTimeout, accessLog, configTokenTtl, address, limits, adminTenants, crl);
  }

  /** The same configuration with {@code loops} event loops (one listener instance on each). */
  public EdgeConfig withEventLoops(int loops) {
    return new EdgeConfig(boot, config, admin, ops, serverCert, serverKey, clientCa, bootDomain,
        artifactDir, loops, maxAdminBodyBytes, maxArtifactBytes, idleTimeout,
        handshakeTimeout, accessLog, configTokenTtl, events, limits, adminTenants, crl);
  }

  /** The same configuration with the access log (one line per request) on or off. */
  public EdgeConfig withAccessLog(boolean on) {
    return new EdgeConfig(boot, config, admin, ops, serverCert, serverKey, clientCa, bootDomain,
        artifactDir, eventLoops, maxAdminBodyBytes, maxArtifactBytes, idleTimeout,
        handshakeTimeout, on, configTokenTtl, events, limits, adminTenants, crl);
  }

  public EdgeConfig withLimits(ClientLimits l) {
    return new EdgeConfig(boot, config, admin, ops, serverCert, serverKey, clientCa, bootDomain,
        artifactDir, eventLoops, maxAdminBodyBytes, maxArtifactBytes, idleTimeout,
        handshakeTimeout, accessLog, configTokenTtl, events, l, adminTenants, crl);
  }

  public EdgeConfig withIdleTimeout(Duration d) {
    return new EdgeConfig(boot, config, admin, ops, serverCert, serverKey, clientCa, bootDomain,
        artifactDir, eventLoops, maxAdminBodyBytes, maxArtifactBytes, d,
        handshakeTimeout, accessLog, configTokenTtl, events, limits, adminTenants, crl);
  }

  /** The same configuration loading the external CRLs of {@code sources}. */
  public EdgeConfig withCrl(CrlSources sources) {
    return new EdgeConfig(boot, config, admin, ops, serverCert, serverKey, clientCa, bootDomain,
        artifactDir, eventLoops, maxAdminBodyBytes, maxArtifactBytes, idleTimeout,
        handshakeTimeout, accessLog, configTokenTtl, events, limits, adminTenants, sources);
  }

  private static void requireReadable(String what, Path p) {
    if (p == null) {
      throw new InvalidInputException(what, "missing");
    }
    if (!Files.isReadable(p)) {
      throw new InvalidInputException(what, p + " does not exist or is not readable");
    }
  }
}
