package org.quasivm.disk.ova;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.quasivm.disk.DiskImageException;

/** Entry points for the fuzz target into the package's parsers (package-private classes). */
public final class OvaFuzzHooks {
    private OvaFuzzHooks() {
    }

    /** Parses bytes as an .ova (tar) or .ovf (XML) through the public describe path. */
    public static void describe(Path scratch, byte[] bytes) throws IOException {
        Files.write(scratch, bytes);
        try {
            Appliances.describe(scratch);
        } catch (DiskImageException expected) {
            // bad package, clearly reported
        }
    }

    public static void manifest(byte[] bytes) {
        try {
            Manifest.parse(Path.of("fuzz.mf"), bytes);
        } catch (DiskImageException expected) {
            // bad manifest, clearly reported
        }
    }
}
