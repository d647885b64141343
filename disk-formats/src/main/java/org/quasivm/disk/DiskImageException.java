package org.quasivm.disk;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The one error type of this module. Its message always names the file and the problem,
 * e.g. {@code disk.vmdk: grain table 12 points past the end of the file}.
 */
public class DiskImageException extends IOException {
    private static final long serialVersionUID = 1L;
    private final transient Path file;

    public DiskImageException(Path file, String problem) {
        super(name(file) + ": " + problem);
        this.file = file;
    }

    public DiskImageException(Path file, String problem, Throwable cause) {
        super(name(file) + ": " + problem, cause);
        this.file = file;
    }

    /** The image file the problem is in (may be a parent or extent file of the image that was opened). */
    public Path file() {
        return file;
    }

    private static String name(Path file) {
        if (file == null) {
            return "(no file)";
        }
        Path name = file.getFileName();
        return name == null ? file.toString() : name.toString();
    }
}
