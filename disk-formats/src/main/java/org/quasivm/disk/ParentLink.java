package org.quasivm.disk;

import java.nio.file.Path;

/**
 * A layer's reference to its parent as stored in the image.
 *
 * @param reference the path exactly as stored (relative references are resolved against the child's folder)
 * @param resolved  where the parent is expected on this host
 * @param format    the parent's format when the child declares it (qcow2 backing format, VMDK/VHD/VDI parents
 *                  are of the child's own format), or null to probe by magic
 */
public record ParentLink(String reference, Path resolved, ImageFormat format) {
}
