package nettboot.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import nettboot.core.error.InvalidInputException;
import nettboot.core.io.SecureFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** Artifacts: kernels, initramfs images, ISOs served to machines. */
@Command(name = "artifact", mixinStandardHelpOptions = true,
    description = "Upload and list artifacts (content-addressed by SHA-256, served by name).",
    subcommands = {ArtifactCommand.Put.class, ArtifactCommand.ListArtifacts.class})
final class ArtifactCommand {

  @Command(name = "put", mixinStandardHelpOptions = true,
      description = "Upload FILE as NAME; the server verifies the SHA-256 computed here.")
  static final class Put implements Runnable {
    @Mixin AdminOptions admin;

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Parameters(index = "1", paramLabel = "FILE")
    Path file;

    @Override
    public void run() {
      if (!Files.isRegularFile(file)) {
        throw new InvalidInputException(file.toString(), "not a regular file");
      }
      String sha;
      try {
        sha = SecureFiles.sha256(file);
      } catch (IOException e) {
        throw new InvalidInputException(file.toString(), "cannot read: " + e.getMessage());
      }
      try (AdminClient c = admin.connect()) {
        JsonObject r = c.putFile("/v1/admin/artifacts/" + MachineCommand.enc(name), file, sha);
        System.out.println("uploaded " + r.getString("name") + " (" + r.getLong("size") + " bytes, sha256 "
            + r.getString("sha256") + ")");
      }
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List artifacts.")
  static final class ListArtifacts implements Runnable {
    @Mixin AdminOptions admin;

    @Override
    public void run() {
      try (AdminClient c = admin.connect()) {
        JsonArray as = c.get("/v1/admin/artifacts").getJsonArray("artifacts");
        for (int i = 0; i < as.size(); i++) {
          JsonObject a = as.getJsonObject(i);
          System.out.printf("%-32s  %12d  %s%n", a.getString("name"), a.getLong("size"), a.getString("sha256"));
        }
      }
    }
  }
}
