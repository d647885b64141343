package org.quasivm.vmm.registry;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where VMs live: {@code --home DIR}, else {@code $QUASIVM_HOME}, else the user's data directory
 * ({@code $XDG_DATA_HOME/quasivm} or {@code ~/.local/share/quasivm} on Linux, {@code ~/Library/Application
 * Support/QuasiVM} on macOS, {@code %LOCALAPPDATA%\QuasiVM} on Windows).
 */
public final class VmHome {

    private VmHome() {
    }

    public static Path resolve(Path explicit, Map<String, String> env, String osName, String userHome) {
        if (explicit != null) {
            return explicit.toAbsolutePath().normalize();
        }
        String home = env.get("QUASIVM_HOME");
        if (home != null && !home.isBlank()) {
            return Path.of(home).toAbsolutePath().normalize();
        }
        String os = osName.toLowerCase();
        if (os.contains("win")) {
            String local = env.get("LOCALAPPDATA");
            return (local != null ? Path.of(local) : Path.of(userHome, "AppData", "Local")).resolve("QuasiVM");
        }
        if (os.contains("mac")) {
            return Path.of(userHome, "Library", "Application Support", "QuasiVM");
        }
        String xdg = env.get("XDG_DATA_HOME");
        return (xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(userHome, ".local", "share"))
                .resolve("quasivm");
    }

    public static Path resolve(Path explicit) {
        return resolve(explicit, System.getenv(), System.getProperty("os.name", ""), System.getProperty("user.home"));
    }
}
