package org.quasivm.vmm.cli;

/** The CLI's exit codes: stable, documented in the README, relied on by scripts. */
public final class ExitCodes {
    public static final int OK = 0;
    /** The command ran but did not succeed (a declined prompt, an unmet expectation, a guest that failed). */
    public static final int FAILURE = 1;
    /** Wrong command-line usage. */
    public static final int USAGE = 2;
    /** No such VM, template or snapshot. */
    public static final int NOT_FOUND = 3;
    /** A definition or other input is invalid (each problem printed on its own line). */
    public static final int INVALID = 4;
    /** Reading or writing a file failed. */
    public static final int IO_ERROR = 5;
    /** A name already taken, or a VM or image in use by another process. */
    public static final int CONFLICT = 6;
    /** The host cannot do it (e.g. KVM requested but not usable). */
    public static final int UNSUPPORTED = 7;
    /** Long work (conversion, import, export) cancelled with Ctrl-C; nothing half-written was left. 128 + SIGINT. */
    public static final int CANCELLED = 130;

    private ExitCodes() {
    }
}
