package nettboot.core.redfish;

/** How far a flow goes. */
public enum Mode {
  /** Read only: discovery, slot selection and what the boot override would be. */
  DISCOVER,
  /** Everything but the reset: eject, insert, verify, boot override. */
  DRY_RUN,
  /** The whole provisioning flow including the reset. */
  FULL
}
