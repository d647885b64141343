package org.quasivm.vmm.storage;

import java.io.IOException;
import java.nio.file.Path;

/** An image another VM (or another program) is using in a way that excludes what this VM asked for. */
public final class ImageInUseException extends IOException {

    private final Path image;

    public ImageInUseException(Path image, String message) {
        super(message);
        this.image = image;
    }

    public Path image() {
        return image;
    }
}
