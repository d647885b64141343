package org.quasivm.disk;

/**
 * How to open an image.
 *
 * @param format        the declared format, or null to probe by magic. A declared format is never second-guessed:
 *                      a file declared {@code RAW} is raw whatever its first bytes say.
 * @param writable      open the top layer for writing (parents are always read-only)
 * @param maxChainDepth the longest parent chain accepted
 * @param openParents   false opens the top layer alone; reads that would fall through to a parent then fail
 * @param durable       sync the "in use" marker of a writable qcow2 before returning (default), so a crash or
 *                      power loss is always followed by a repair; false for scratch images
 */
public record OpenOptions(ImageFormat format, boolean writable, int maxChainDepth, boolean openParents,
                          boolean durable) {
    public static final int DEFAULT_MAX_CHAIN_DEPTH = 64;

    public OpenOptions {
        if (maxChainDepth < 0) {
            throw new IllegalArgumentException("maxChainDepth " + maxChainDepth);
        }
    }

    public static OpenOptions readOnly() {
        return new OpenOptions(null, false, DEFAULT_MAX_CHAIN_DEPTH, true, true);
    }

    public static OpenOptions readWrite() {
        return new OpenOptions(null, true, DEFAULT_MAX_CHAIN_DEPTH, true, true);
    }

    public OpenOptions withFormat(ImageFormat f) {
        return new OpenOptions(f, writable, maxChainDepth, openParents, durable);
    }

    public OpenOptions withMaxChainDepth(int depth) {
        return new OpenOptions(format, writable, depth, openParents, durable);
    }

    public OpenOptions layerOnly() {
        return new OpenOptions(format, writable, maxChainDepth, false, durable);
    }

    public OpenOptions withDurable(boolean d) {
        return new OpenOptions(format, writable, maxChainDepth, openParents, d);
    }
}
