package nettboot.core.boot;

import nettboot.core.pki.Addresses;

/**
 * The URLs an install boot is given, all on the address the boot request arrived on (the anycast
 * address in production), so kernel, initrd, config and events reach the replica and address that
 * answered: the boot URL base {@code https://[fd00::1]:8443}, the config listener on the same host
 * and the events sink in gRPC target form {@code [fd00::1]:50001}.
 */
public final class BootUrls {
  private BootUrls() {}

  /** {@code https://host[:port]}; IPv6 in RFC 5952 form, brackets, zone as {@code %25zone}. */
  public static String urlBase(String hostAddress, int port) {
    String host = hostAddress;
    int zone = host.indexOf('%');
    String zoneSuffix = zone >= 0 ? "%25" + host.substring(zone + 1) : "";
    String bare = zone >= 0 ? host.substring(0, zone) : host;
    if (bare.contains(":")) {
      // RFC 5952 form (fd00::1, not fd00:0:0:0:0:0:0:1), as operators and iPXE write it.
      host = "[" + Addresses.ipLiteral(bare).map(Addresses::canonical).orElse(bare) + zoneSuffix + "]";
    }
    return "https://" + host + (port == 443 ? "" : ":" + port);
  }

  /** The host of a boot URL base without its port: {@code [fd00::1]} or a name. */
  public static String host(String bootBase) {
    String host = bootBase.substring("https://".length());
    return host.startsWith("[") ? host.substring(0, host.indexOf(']') + 1) : host.replaceFirst(":[0-9]+$", "");
  }

  /** The config listener on {@code host} (as {@link #host} returns it). */
  public static String configBase(String host, int configPort) {
    return "https://" + host + (configPort == 443 ? "" : ":" + configPort);
  }

  /** {@code host:port} of the events sink (gRPC target form). */
  public static String eventsSink(String host, int eventsPort) {
    return host + ":" + eventsPort;
  }
}
