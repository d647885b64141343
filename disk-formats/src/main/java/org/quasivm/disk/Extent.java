package org.quasivm.disk;

/** A run of a disk's bytes with one allocation state. */
public record Extent(long offset, long length, Kind kind) {

    public enum Kind {
        /** Stored data (may happen to be zeros). */
        DATA,
        /** Known to read as zeros without reading anything. */
        ZERO,
        /** Not stored in this layer: reads fall through to the parent (only in {@link DiskImage#layerExtentAt}). */
        UNALLOCATED
    }

    public Extent {
        if (offset < 0 || length <= 0) {
            throw new IllegalArgumentException("extent " + offset + "+" + length);
        }
    }

    public long end() {
        return offset + length;
    }
}
