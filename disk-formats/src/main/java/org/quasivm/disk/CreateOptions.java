package org.quasivm.disk;

import java.nio.file.Path;

/**
 * What to create.
 *
 * @param format       the image format
 * @param subformat    vendor subformat name (see {@link ImageFormat#writableSubformats()}), or null for the default
 * @param size         virtual size in bytes; 0 with a parent means "the parent's size"
 * @param parent       the parent image for a child (differencing) image, or null
 * @param parentFormat the parent's format, or null to probe it
 * @param durable      sync the new image before returning (default); false for scratch images that are synced
 *                     (or discarded) later as a whole, such as a conversion's output
 */
public record CreateOptions(ImageFormat format, String subformat, long size, Path parent, ImageFormat parentFormat,
                            boolean durable) {

    public CreateOptions(ImageFormat format, String subformat, long size, Path parent, ImageFormat parentFormat) {
        this(format, subformat, size, parent, parentFormat, true);
    }

    public static CreateOptions of(ImageFormat format, long size) {
        return new CreateOptions(format, null, size, null, null);
    }

    public static CreateOptions of(ImageFormat format, String subformat, long size) {
        return new CreateOptions(format, subformat, size, null, null);
    }

    /** A child of {@code parent} (its size, its format probed). */
    public static CreateOptions childOf(ImageFormat format, Path parent) {
        return new CreateOptions(format, null, 0, parent, null);
    }

    public CreateOptions withDurable(boolean d) {
        return new CreateOptions(format, subformat, size, parent, parentFormat, d);
    }
}
