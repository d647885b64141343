package org.quasivm.disk;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Tells where a host file's data and holes are. Java has no {@code lseek(SEEK_DATA/SEEK_HOLE)}, and this module
 * depends on nothing native, so the host integration supplies one through
 * {@link DiskImages#installAllocationProbe}. Raw images use it to report holes as {@link Extent.Kind#ZERO}, so a
 * conversion skips them instead of reading and scanning them, as qemu-img does. Without a probe
 * ({@link #NONE}) every byte of a raw file counts as data, which is slower but equally correct.
 */
@FunctionalInterface
public interface AllocationProbe {

    /** Knows nothing: raw files count as all data. */
    AllocationProbe NONE = file -> null;

    /**
     * Opens a query handle on {@code file}, or returns null when this host cannot tell for this file. Must not
     * throw for a file it cannot query: null is the answer.
     */
    FileAllocation open(Path file);

    /** Allocation queries on one open file. Calls may come from several threads at once. */
    interface FileAllocation extends Closeable {

        /**
         * The offset of the first byte at or after {@code offset} that is stored data, or -1 when only a hole
         * follows up to the end of the file. Data may contain zeros; a hole must read as zeros.
         */
        long nextData(long offset) throws IOException;

        /** The offset of the first hole byte at or after {@code offset}; the file's end counts as a hole. */
        long nextHole(long offset) throws IOException;

        @Override
        void close();
    }
}
