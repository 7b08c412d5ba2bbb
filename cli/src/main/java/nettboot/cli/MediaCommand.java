package nettboot.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import nettboot.core.error.InvalidInputException;
import nettboot.core.io.SecureFiles;
import nettboot.core.media.Arch;
import nettboot.core.media.BuiltMedia;
import nettboot.core.media.MediaSpec;
import nettboot.core.media.TenantMedia;
import nettboot.core.pki.EmbeddedCa;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;

/** Tenant boot media: a USB disk image and a UEFI ISO per tenant. */
@Command(name = "media", mixinStandardHelpOptions = true,
    header = "Build a tenant's boot media: a USB disk image and a UEFI ISO for Redfish virtual media.",
    description = {"Build a tenant's boot media: a USB disk image and a UEFI ISO (Redfish",
        "virtual media). They take an IPv6 address from the Router Advertisement and ask",
        "the metadata server, over mutual TLS with the tenant's certificate, whether to",
        "netboot or boot the local disk.",
        "",
        "The media carry the tenant's private key: they are BEARER CREDENTIALS. Whoever",
        "holds one can ask for that tenant's boot scripts. Keep them like the key itself",
        "(they are written with mode 0600)."},
    subcommands = {MediaCommand.Build.class})
final class MediaCommand {

  @Command(name = "build", mixinStandardHelpOptions = true,
      description = {"Write OUT/TENANT.img (GPT disk with an EFI system partition) and",
          "OUT/TENANT.iso (El Torito, UEFI) from a prebuilt iPXE >= 2.0 EFI binary pinned",
          "to the platform root CA. The same inputs give the same bytes; the files are",
          "replaced atomically and nothing is left behind on failure.",
          "",
          "The media are BEARER CREDENTIALS: they hold the tenant's private key (0600).",
          "",
          "Without --ipxe-efi the binary comes from the repository's",
          "  .cache/ipxe/usr/lib/ipxe/ipxe-<amd64|arm64>.efi",
          "fetched with: scripts/fetch-debian-package ipxe .cache/ipxe"})
  static final class Build implements Runnable {
    @Option(names = "--pki", required = true, description = "PKI directory made by 'pki init'")
    Path pki;

    @Option(names = "--tenant", required = true, description = "Tenant (its certificate from 'pki tenant')")
    String tenant;

    @Option(names = "--metadata-server", required = true, paramLabel = "ADDR",
        description = "The metadata server's IPv6 address, without brackets (e.g. 2001:db8:100::53)")
    String metadataServer;

    @Option(names = "--port", defaultValue = "443", description = "Boot listener port (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--arch", defaultValue = "x86_64", converter = ArchConverter.class,
        description = "x86_64 or arm64 (default: ${DEFAULT-VALUE})")
    Arch arch;

    @Option(names = "--ipxe-efi", paramLabel = "PATH",
        description = "iPXE >= 2.0 EFI binary (Debian's ipxe package: ipxe-amd64.efi / ipxe-arm64.efi)")
    Path ipxeEfi;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory (created if missing)")
    Path out;

    @Override
    public void run() {
      Path efi = ipxeEfi != null ? ipxeEfi : defaultIpxe(arch);
      MediaSpec spec;
      try {
        spec = new MediaSpec(tenant, metadataServer, port, arch, efi);
      } catch (InvalidInputException e) {
        throw asOption(e);
      }
      EmbeddedCa ca = EmbeddedCa.load(pki);
      long t0 = System.nanoTime();
      BuiltMedia m;
      try {
        m = TenantMedia.build(ca, spec, out);
      } catch (InvalidInputException e) {
        throw asOption(e);
      }
      long ms = (System.nanoTime() - t0) / 1_000_000;
      System.out.println("built tenant media for " + spec.tenant() + " (" + arch.cliName() + ", metadata server ["
          + spec.metadataServer() + "]" + (spec.port() == 443 ? "" : ":" + spec.port()) + ") in " + ms + " ms");
      System.out.println("  usb image  " + m.usbImage() + "  " + size(m.usbImage()) + " bytes  sha256 " + sha256(m.usbImage()));
      System.out.println("  iso        " + m.iso() + "  " + size(m.iso()) + " bytes  sha256 " + sha256(m.iso()));
      System.out.println("  pinned CA  " + ca.rootCertPath() + " (sha256 " + m.rootFingerprint() + ")");
      System.out.println("  iPXE       " + efi);
      System.out.println("  the media hold the tenant's private key: bearer credentials, mode 0600");
    }

    /** Names the option a spec field came from ("metadataServer" → "--metadata-server"). */
    static InvalidInputException asOption(InvalidInputException e) {
      String option = switch (String.valueOf(e.field())) {
        case "metadataServer" -> "--metadata-server";
        case "port" -> "--port";
        case "tenant" -> "--tenant";
        case "ipxeEfi" -> "--ipxe-efi";
        default -> null;
      };
      if (option == null) {
        return e;
      }
      String prefix = e.field() + ": ";
      String msg = e.getMessage().startsWith(prefix) ? e.getMessage().substring(prefix.length()) : e.getMessage();
      return new InvalidInputException(option, msg);
    }

    /** {@code <repo>/.cache/ipxe/usr/lib/ipxe/ipxe-<arch>.efi}, the repository found above the working directory. */
    static Path defaultIpxe(Arch arch) {
      String rel = ".cache/ipxe/usr/lib/ipxe/ipxe-" + arch.debianName() + ".efi";
      for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
        if (Files.isRegularFile(d.resolve("scripts/fetch-debian-package"))) {
          Path p = d.resolve(rel);
          if (Files.isRegularFile(p)) {
            return p;
          }
          throw new InvalidInputException("--ipxe-efi", "not given and " + p + " is missing; fetch "
              + "Debian's iPXE 2.0 with 'scripts/fetch-debian-package ipxe " + d.resolve(".cache/ipxe")
              + "' or pass --ipxe-efi PATH");
        }
      }
      throw new InvalidInputException("--ipxe-efi", "not given and no repository checkout (with "
          + rel + ") above " + Path.of("").toAbsolutePath() + "; pass --ipxe-efi PATH");
    }

    private static long size(Path p) {
      try {
        return Files.size(p);
      } catch (IOException e) {
        return -1;
      }
    }

    private static String sha256(Path p) {
      try {
        return SecureFiles.sha256(p);
      } catch (IOException e) {
        return "(unreadable: " + e.getMessage() + ")";
      }
    }
  }

  /** {@code x86_64|arm64} (also amd64, aarch64). */
  static final class ArchConverter implements ITypeConverter<Arch> {
    @Override
    public Arch convert(String value) {
      return Arch.parse("--arch", value);
    }
  }
}
