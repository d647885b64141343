package org.quasivm.vmm.cli;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;

import org.quasivm.disk.Cancellation;
import org.quasivm.disk.DiskImageException;
import org.quasivm.disk.ImageInUseException;

/**
 * How disk-formats' errors reach the user: the message (which starts with the file's name) on one line, and an exit
 * code chosen by what went wrong, not by which command met it:
 * <ul>
 *   <li>6 (conflict): another writer holds the image, or the target file already exists;</li>
 *   <li>7 (not supported): the image uses something this build does not handle ("not supported: ..." messages);</li>
 *   <li>5 (I/O error): the host failed to read, write, open or find a file (the error has a host cause);</li>
 *   <li>4 (invalid): everything else — a damaged or inconsistent image, a broken chain, a bad package;</li>
 *   <li>130: cancelled (Ctrl-C); nothing was left half-written.</li>
 * </ul>
 */
final class ImageErrors {

    private static final String NOT_SUPPORTED = ": not supported: ";

    private ImageErrors() {
    }

    static CliFailure failure(DiskImageException e) {
        if (e instanceof Cancellation.Cancelled) {
            return new CliFailure(ExitCodes.CANCELLED, e.getMessage() + "; nothing was left half-written");
        }
        return new CliFailure(exitCode(e), e.getMessage());
    }

    static int exitCode(DiskImageException e) {
        if (e instanceof Cancellation.Cancelled) {
            return ExitCodes.CANCELLED;
        }
        if (e instanceof ImageInUseException || causedBy(e, FileAlreadyExistsException.class)) {
            return ExitCodes.CONFLICT;
        }
        if (e.getMessage() != null && e.getMessage().contains(NOT_SUPPORTED)) {
            return ExitCodes.UNSUPPORTED;
        }
        for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
            if (c instanceof IOException && !(c instanceof DiskImageException)) {
                return ExitCodes.IO_ERROR;
            }
        }
        return ExitCodes.INVALID;
    }

    private static boolean causedBy(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t.getCause(); c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    /** Disk work whose image errors become CLI failures. */
    @FunctionalInterface
    interface Work<T, E extends Exception> {
        T run() throws E;
    }

    static <T, E extends Exception> T run(Work<T, E> work) throws E {
        try {
            return work.run();
        } catch (Exception e) {
            if (e instanceof DiskImageException d) {
                throw failure(d);
            }
            throw e;
        }
    }
}
