package org.quasivm.templates.assets;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** Reads a peer's serial output until a text appears, failing with everything it printed after a time limit. */
final class SerialWait {

    private SerialWait() {
    }

    static void waitFor(InputStream in, StringBuilder out, String text, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        byte[] buf = new byte[4096];
        while (out.indexOf(text) < 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no '" + text + "' within " + seconds + " s; the guest printed:\n" + out);
            }
            if (in.available() > 0) {
                int n = in.read(buf);
                out.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
            } else {
                Thread.sleep(20);
            }
        }
    }
}
