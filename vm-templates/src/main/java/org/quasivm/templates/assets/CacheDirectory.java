package org.quasivm.templates.assets;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where downloaded and built guest material is kept (never in the repository): {@code $QUASIVM_CACHE}, else
 * {@code $XDG_CACHE_HOME/quasivm} or {@code ~/.cache/quasivm} (Linux), {@code ~/Library/Caches/QuasiVM} (macOS),
 * {@code %LOCALAPPDATA%\QuasiVM\cache} (Windows).
 */
public final class CacheDirectory {

    private CacheDirectory() {
    }

    public static Path resolve(Map<String, String> env, String osName, String userHome) {
        String explicit = env.get("QUASIVM_CACHE");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit).toAbsolutePath().normalize();
        }
        String os = osName.toLowerCase();
        if (os.contains("win")) {
            String local = env.get("LOCALAPPDATA");
            return (local != null ? Path.of(local) : Path.of(userHome, "AppData", "Local")).resolve("QuasiVM")
                    .resolve("cache");
        }
        if (os.contains("mac")) {
            return Path.of(userHome, "Library", "Caches", "QuasiVM");
        }
        String xdg = env.get("XDG_CACHE_HOME");
        return (xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(userHome, ".cache")).resolve("quasivm");
    }

    public static Path resolve() {
        return resolve(System.getenv(), System.getProperty("os.name", ""), System.getProperty("user.home"));
    }
}
