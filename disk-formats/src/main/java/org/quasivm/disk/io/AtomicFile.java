package org.quasivm.disk.io;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.quasivm.disk.DiskImageException;

/**
 * Creates a file under a temporary sibling name and renames it into place only once it is complete and
 * synced, so a failure or crash never leaves a half-written image under the real name.
 */
public final class AtomicFile {
    /** Writes the content of a new file opened for it. */
    public interface Writer {
        void write(ImageFile file) throws IOException;
    }

    private AtomicFile() {
    }

    public static Path temporarySibling(Path target) {
        return target.toAbsolutePath().resolveSibling("." + target.getFileName() + ".partial");
    }

    /** Creates {@code target} (which must not exist) with {@code writer}, synced before it appears. */
    public static void create(Path target, Writer writer) throws IOException {
        create(target, writer, true);
    }

    /**
     * Creates {@code target} with {@code writer}; {@code sync} false skips the sync for scratch files that are
     * synced (or thrown away) later as a whole.
     */
    public static void create(Path target, Writer writer, boolean sync) throws IOException {
        if (Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new DiskImageException(target, "file already exists",
                    new java.nio.file.FileAlreadyExistsException(target.toString()));
        }
        Path tmp = temporarySibling(target);
        Files.deleteIfExists(tmp);
        boolean done = false;
        try {
            try (ImageFile f = ImageFile.create(tmp)) {
                writer.write(f);
                if (sync) {
                    f.sync();
                }
            }
            commit(tmp, target);
            done = true;
        } finally {
            if (!done) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    /** Renames a finished temporary file into place, refusing to replace an existing file. */
    public static void commit(Path tmp, Path target) throws IOException {
        if (Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new DiskImageException(target, "file already exists",
                    new java.nio.file.FileAlreadyExistsException(target.toString()));
        }
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target);
        }
    }
}
