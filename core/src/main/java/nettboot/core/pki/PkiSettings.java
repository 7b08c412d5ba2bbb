package nettboot.core.pki;

import java.util.List;

/** The contents of {@code pki.json}: what the directory was initialised for. */
record PkiSettings(int version, String bootDomain, List<String> serverAddresses, String createdAt) {
  static final int CURRENT_VERSION = 1;

  PkiSettings {
    serverAddresses = serverAddresses == null ? List.of() : List.copyOf(serverAddresses);
  }
}
