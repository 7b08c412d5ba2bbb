# Sourced by ./mvnw and ./talos-fabric-builder: selects a JDK >= 21 and exports JAVA_HOME.
nettboot_java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 \
    | awk -F'= ' '/java.specification.version/ {print $2; exit}' | cut -d. -f1
}
nettboot_require_java21() {
  if [[ -n "${JAVA_HOME:-}" && -x "${JAVA_HOME}/bin/javac" ]]; then
    local major; major="$(nettboot_java_major "$JAVA_HOME")"
    if [[ "${major:-0}" -ge 21 ]]; then export JAVA_HOME PATH="$JAVA_HOME/bin:$PATH"; return 0; fi
  fi
  local best="" best_major=0 d major
  for d in /usr/lib/jvm/*; do
    [[ -x "$d/bin/javac" ]] || continue
    major="$(nettboot_java_major "$d")"
    if [[ "${major:-0}" -ge 21 && "${major}" -gt "$best_major" ]]; then best="$d"; best_major="$major"; fi
  done
  if [[ -z "$best" ]]; then
    echo "nett-boot needs a JDK >= 21 (Java 21 language level); none found in JAVA_HOME or /usr/lib/jvm." >&2
    echo "Install one (for example Temurin 21/25) under /usr/lib/jvm or point JAVA_HOME at it." >&2
    return 1
  fi
  export JAVA_HOME="$best" PATH="$best/bin:$PATH"
}
