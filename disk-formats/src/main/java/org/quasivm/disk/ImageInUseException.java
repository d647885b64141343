package org.quasivm.disk;

import java.nio.file.Path;

/** Another writer (this process or another) holds the image open for writing; the caller may retry later. */
public final class ImageInUseException extends DiskImageException {
    private static final long serialVersionUID = 1L;

    public ImageInUseException(Path file) {
        super(file, "in use: another writer holds the image open");
    }
}
