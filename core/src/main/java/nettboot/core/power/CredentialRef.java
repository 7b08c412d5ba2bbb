package nettboot.core.power;

import java.nio.file.Path;
import java.util.regex.Pattern;
import nettboot.core.error.InvalidInputException;

/**
 * Where a BMC password is kept: a file on the server ({@code file:/abs/path}) or an environment
 * variable of the server process ({@code env:NAME}). Only the reference is stored; the secret is
 * read when a power cycle needs it.
 */
public sealed interface CredentialRef {
  /** Longest accepted reference. */
  int MAX_LENGTH = 1024;
  Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");

  /** The stored form: {@code file:/path} or {@code env:NAME}. */
  String render();

  /** A password file, absolute path; its first line is the password. */
  record File(Path path) implements CredentialRef {
    public File {
      if (!path.isAbsolute()) {
        throw new InvalidInputException("passwordFile", "must be an absolute path on the server");
      }
    }

    @Override
    public String render() {
      return "file:" + path;
    }
  }

  /** An environment variable of the server process. */
  record Env(String name) implements CredentialRef {
    public Env {
      if (name == null || !ENV_NAME.matcher(name).matches()) {
        throw new InvalidInputException("passwordEnv",
            "expected an environment variable name (letters, digits, _; not starting with a digit)");
      }
    }

    @Override
    public String render() {
      return "env:" + name;
    }
  }

  /** Exactly one of a password file path or an environment variable name. */
  static CredentialRef of(String passwordFile, String passwordEnv) {
    if ((passwordFile == null) == (passwordEnv == null)) {
      throw new InvalidInputException("passwordFile",
          "give exactly one of passwordFile (a path on the server) or passwordEnv (a variable name);"
              + " the password itself is never stored");
    }
    if (passwordFile != null) {
      if (passwordFile.length() > MAX_LENGTH || passwordFile.chars().anyMatch(Character::isISOControl)) {
        throw new InvalidInputException("passwordFile", "not a usable path");
      }
      return new File(Path.of(passwordFile));
    }
    return new Env(passwordEnv);
  }

  /** Parses the stored form. */
  static CredentialRef parse(String stored) {
    if (stored.startsWith("file:")) {
      return new File(Path.of(stored.substring(5)));
    }
    if (stored.startsWith("env:")) {
      return new Env(stored.substring(4));
    }
    throw new InvalidInputException("credential", "unknown credential reference kind");
  }
}
