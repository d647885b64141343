package org.quasivm.vmm.cli;

/** A command's own failure, with the exit code it maps to and a one-line message. */
final class CliFailure extends RuntimeException {
    private final int exitCode;

    CliFailure(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}
