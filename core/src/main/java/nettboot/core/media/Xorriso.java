package nettboot.core.media;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import nettboot.core.error.UnavailableException;

/** The ISO 9660 image of a tenant medium, made by the xorriso binary (installed by bootstrap-debian). */
final class Xorriso {
  private static final long TIMEOUT_SECONDS = 60;

  private Xorriso() {}

  /**
   * Runs xorriso: an ISO 9660 image whose El Torito catalog has one no-emulation entry for the
   * UEFI platform pointing at {@code efi.img}; every date is {@link TenantMedia#EPOCH_SECONDS}.
   */
  static void isoWithEfiBootImage(Path isoRoot, Path iso) {
    String date = "1980010100000000";
    List<String> cmd = new ArrayList<>(List.of("/bin/sh", "-c", "umask 077 && exec xorriso \"$@\"", "xorriso",
        "-no_rc", "-as", "mkisofs", "-quiet", "-o", iso.toString(),
        "-V", TenantMedia.VOLUME_LABEL, "-volset", TenantMedia.VOLUME_LABEL, "-publisher", "nett-boot", "-sysid", "",
        "-appid", "nett-boot tenant medium",
        "-p", "nett-boot", "--modification-date=" + date,
        "-e", "efi.img", "-no-emul-boot", isoRoot.toString()));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().keySet().removeIf(k -> !k.equals("PATH"));
    pb.environment().put("SOURCE_DATE_EPOCH", Long.toString(TenantMedia.EPOCH_SECONDS));
    pb.environment().put("LC_ALL", "C");
    pb.environment().put("TZ", "UTC");
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new UnavailableException("cannot run xorriso (" + MediaFiles.describe(e) + "); install it: "
          + "scripts/bootstrap-debian", e);
    }
    try {
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new UnavailableException("xorriso did not finish within " + TIMEOUT_SECONDS + " s", null);
      }
      if (p.exitValue() == 127) {
        throw new UnavailableException("xorriso not found; install it (scripts/bootstrap-debian "
            + "does, or apt-get install xorriso)", null);
      }
      if (p.exitValue() != 0) {
        String text = new String(out, StandardCharsets.UTF_8).strip().replaceAll("\\s+", " ");
        throw new UnavailableException("xorriso failed (exit " + p.exitValue() + "): "
            + (text.length() > 300 ? text.substring(text.length() - 300) : text), null);
      }
    } catch (IOException e) {
      p.destroyForcibly();
      throw new UnavailableException("xorriso failed: " + MediaFiles.describe(e), e);
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new UnavailableException("interrupted while running xorriso", e);
    }
  }
}
