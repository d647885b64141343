package org.quasivm.disk;

/**
 * Reports progress of long operations (conversion, commit, rebase, import, export) as bytes of the virtual disk
 * processed. Called from the operation's thread, at most a few times per second of work, and once at the end
 * with {@code doneBytes == totalBytes}.
 */
@FunctionalInterface
public interface ProgressListener {
    ProgressListener NONE = (done, total) -> { };

    void progress(long doneBytes, long totalBytes);
}
