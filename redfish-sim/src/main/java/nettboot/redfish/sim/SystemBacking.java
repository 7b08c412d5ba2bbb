package nettboot.redfish.sim;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The system behind one simulated BMC when it is real (a VM) rather than only modelled. The BMC's
 * Redfish layer (profiles, quirks, the boot override) stays the same; power and virtual media act
 * on the backing. Every method may block: the BMC calls them on a worker, in order, never on its
 * event loop.
 */
public interface SystemBacking {
  /** What the firmware boots first at a start: the CD (with media inserted) or the local disk. */
  enum FirstDevice { CD, DISK }

  /** Listens for the system stopping or resetting by itself (not through {@link #stop}). */
  interface ExitListener {
    /** @param guestReset the guest asked for a reset (a reboot), so the machine powers on again */
    void exited(boolean guestReset);
  }

  /** Powers on: starts the system with this boot order; returns once it runs. */
  void start(FirstDevice first) throws IOException;

  /**
   * Powers off. Graceful asks the guest first (ACPI power button) and waits up to the backing's
   * deadline, then forces; nothing runs afterwards. A stopped system is left as it is.
   */
  void stop(boolean graceful) throws IOException;

  boolean running();

  /** Where InsertMedia stores the image of the CD slot; its presence means the CD holds media. */
  Path mediaFile();

  /** The media file was written (inserted) or deleted (ejected): a running system sees the change now. */
  void mediaChanged() throws IOException;

  void onExit(ExitListener listener);

  /** Stops every process this backing started. */
  void close();
}
