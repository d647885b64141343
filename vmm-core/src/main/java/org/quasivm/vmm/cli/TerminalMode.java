package org.quasivm.vmm.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Puts the controlling terminal into character-at-a-time mode without local echo while a guest's serial console is
 * on it (the guest echoes what it wants shown), keeping Ctrl-C as the way to stop the VM; restores the terminal's
 * settings afterwards. Does nothing when standard input is not a terminal or {@code stty} is absent.
 */
final class TerminalMode implements AutoCloseable {

    private final String saved;

    private TerminalMode(String saved) {
        this.saved = saved;
    }

    static TerminalMode characterAtATime() {
        if (System.console() == null) {
            return new TerminalMode(null);
        }
        String saved = stty("-g");
        if (saved == null || stty("-icanon", "-echo", "min", "1", "time", "0") == null) {
            return new TerminalMode(null);
        }
        return new TerminalMode(saved.trim());
    }

    @Override
    public void close() {
        if (saved != null) {
            stty(saved);
        }
    }

    private static String stty(String... args) {
        String[] cmd = new String[args.length + 1];
        cmd[0] = "stty";
        System.arraycopy(args, 0, cmd, 1, args.length);
        try {
            Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.INHERIT).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return p.waitFor() == 0 ? out : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
