package org.quasivm.disk;

import java.util.List;

/**
 * What {@code disk info} reports about one layer, with its parent chain nested in {@link #parent}.
 *
 * @param path            the image file (the descriptor for multi-file VMDKs)
 * @param virtualSize     bytes the guest sees
 * @param allocatedBytes  guest bytes stored in this layer (allocated clusters/grains/blocks)
 * @param fileBytes       bytes the layer's files occupy on the host (sum of their lengths)
 * @param files           every host file of the layer
 * @param parentReference the parent path as stored in the image, or null
 * @param parent          the parent layer, or null (also null when it could not be opened: see {@code warnings})
 * @param warnings        non-fatal findings (e.g. a VHD parent timestamp mismatch, a missing parent)
 */
public record ImageInfo(String path, ImageFormat format, String subformat, long virtualSize, long allocatedBytes,
                        long fileBytes, List<String> files, String parentReference, ImageInfo parent,
                        List<String> warnings) {

    public ImageInfo {
        files = List.copyOf(files);
        warnings = List.copyOf(warnings);
    }

    /** Number of layers including this one (as far as they could be opened). */
    public int chainLength() {
        return parent == null ? 1 : 1 + parent.chainLength();
    }
}
