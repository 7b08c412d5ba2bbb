package nettboot.core.redfish;

import java.util.List;
import java.util.Locale;

/**
 * Who the node is, as the nodes file says: compared with the System's UUID (and its MACs, when the
 * BMC lists them) before anything on the system is touched.
 *
 * @param uuid canonical lower-case UUID, or null when the node has none
 * @param macs canonical lower-case colon-separated MACs (may be empty)
 * @param check false when the operator turned the check off ({@code --no-identity-check})
 */
public record NodeIdentity(String uuid, List<String> macs, boolean check) {
  public NodeIdentity {
    uuid = uuid == null ? null : uuid.toLowerCase(Locale.ROOT);
    macs = macs == null ? List.of() : macs.stream().map(m -> m.toLowerCase(Locale.ROOT)).toList();
  }

  /** Nothing known about the node (e.g. {@code redfish check}): nothing compared. */
  public static NodeIdentity unknown() {
    return new NodeIdentity(null, List.of(), true);
  }

  public NodeIdentity unchecked() {
    return new NodeIdentity(uuid, macs, false);
  }

  boolean known() {
    return uuid != null || !macs.isEmpty();
  }
}
