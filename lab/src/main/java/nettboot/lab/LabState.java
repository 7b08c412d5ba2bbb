package nettboot.lab;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import nettboot.core.error.UnavailableException;

/**
 * What a lab created, written to {@code DIR/state.json} after every step, so that {@code lab down}
 * cleans up after a crash of the command that built it: namespaces (every veth, bridge and tap
 * lives inside one and goes with it), child processes, FRR run directories.
 */
public final class LabState {
  public static final String FILE = "state.json";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** One child process: what it is and its pid. */
  public record Proc(String name, long pid) {}

  /** The file's content. */
  public record Data(String name, long ownerPid, List<String> namespaces, List<Proc> processes,
      List<String> directories) {}

  private final Path file;
  private final String name;
  private final List<String> namespaces = new ArrayList<>();
  private final List<Proc> processes = new ArrayList<>();
  private final List<String> directories = new ArrayList<>();

  private LabState(Path file, String name) {
    this.file = file;
    this.name = name;
  }

  /** A fresh state for a lab being built (written at once). */
  public static LabState create(Path dir, String name) {
    LabState s = new LabState(dir.resolve(FILE), name);
    s.save();
    return s;
  }

  /** The state a lab left in {@code dir}, or null if there is none. */
  public static Data read(Path dir) {
    Path f = dir.resolve(FILE);
    if (!Files.exists(f)) {
      return null;
    }
    try {
      return JSON.readValue(f.toFile(), Data.class);
    } catch (IOException e) {
      throw new UnavailableException("cannot read " + f + ": " + e.getMessage(), e);
    }
  }

  public synchronized void namespace(String ns) {
    namespaces.add(ns);
    save();
  }

  public synchronized void process(String what, long pid) {
    processes.add(new Proc(what, pid));
    save();
  }

  public synchronized void directory(Path dir) {
    directories.add(dir.toString());
    save();
  }

  public synchronized Data data() {
    return new Data(name, ProcessHandle.current().pid(), List.copyOf(namespaces),
        List.copyOf(processes), List.copyOf(directories));
  }

  private synchronized void save() {
    try {
      Files.createDirectories(file.getParent());
      Path tmp = file.resolveSibling(FILE + ".tmp");
      JSON.writeValue(tmp.toFile(), data());
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UnavailableException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  /** Removes the file once everything in it is gone. */
  public static void delete(Path dir) {
    try {
      Files.deleteIfExists(dir.resolve(FILE));
    } catch (IOException e) {
      throw new UnavailableException("cannot delete " + dir.resolve(FILE) + ": " + e.getMessage(), e);
    }
  }
}
