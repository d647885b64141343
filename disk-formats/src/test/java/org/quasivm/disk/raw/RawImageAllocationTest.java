package org.quasivm.disk.raw;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quasivm.disk.AllocationProbe;
import org.quasivm.disk.Extent;

/**
 * How a raw image turns a host {@link AllocationProbe}'s answers into extents. The probe here answers from a fixed
 * list of data ranges (the real lseek probe lives in vmm-core, which may use native code; it is tested there).
 */
class RawImageAllocationTest {
    private static final long MIB = 1 << 20;

    @TempDir
    Path dir;

    /** Answers as lseek(SEEK_DATA/SEEK_HOLE) would for a file whose data lies in {@code ranges} (start, end pairs). */
    private record RangesProbe(long fileSize, long[] ranges, AtomicInteger closes) implements AllocationProbe {
        @Override
        public FileAllocation open(Path file) {
            return new FileAllocation() {
                @Override
                public long nextData(long offset) {
                    for (int i = 0; i < ranges.length; i += 2) {
                        if (offset < ranges[i + 1]) {
                            return Math.max(offset, ranges[i]);
                        }
                    }
                    return -1;
                }

                @Override
                public long nextHole(long offset) {
                    for (int i = 0; i < ranges.length; i += 2) {
                        if (offset >= ranges[i] && offset < ranges[i + 1]) {
                            return ranges[i + 1];
                        }
                    }
                    return Math.min(offset, fileSize);
                }

                @Override
                public void close() {
                    closes.incrementAndGet();
                }
            };
        }
    }

    private Path file(long size) throws Exception {
        Path p = dir.resolve("disk.img");
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(1), size - 1);
        }
        return p;
    }

    @Test
    void holesTheProbeFindsAreZeroExtentsAndDataIsData() throws Exception {
        Path p = file(8 * MIB);
        RangesProbe probe = new RangesProbe(8 * MIB, new long[] {MIB, 3 * MIB}, new AtomicInteger());
        try (RawImage img = RawImage.open(p, false, probe)) {
            assertEquals(new Extent(0, MIB, Extent.Kind.ZERO), img.extentAt(0));
            assertEquals(new Extent(MIB, 2 * MIB, Extent.Kind.DATA), img.extentAt(MIB));
            assertEquals(new Extent(2 * MIB, MIB, Extent.Kind.DATA), img.extentAt(2 * MIB));
            assertEquals(new Extent(3 * MIB, 5 * MIB, Extent.Kind.ZERO), img.extentAt(3 * MIB));
        }
    }

    @Test
    void allocatedBytesCountOnlyTheDataRanges() throws Exception {
        Path p = file(8 * MIB);
        RangesProbe probe = new RangesProbe(8 * MIB, new long[] {0, MIB, 4 * MIB, 6 * MIB}, new AtomicInteger());
        try (RawImage img = RawImage.open(p, false, probe)) {
            assertEquals(3 * MIB, img.allocatedBytes());
        }
    }

    @Test
    void dataReportedPastTheImageEndIsClippedToTheImage() throws Exception {
        Path p = file(2 * MIB);
        RangesProbe probe = new RangesProbe(2 * MIB, new long[] {MIB, 64 * MIB}, new AtomicInteger());
        try (RawImage img = RawImage.open(p, false, probe)) {
            assertEquals(new Extent(MIB, MIB, Extent.Kind.DATA), img.extentAt(MIB));
        }
    }

    @Test
    void withoutAnAnswerFromTheProbeEverythingIsData() throws Exception {
        Path p = file(4 * MIB);
        try (RawImage img = RawImage.open(p, false, file -> null)) {
            assertEquals(new Extent(0, 4 * MIB, Extent.Kind.DATA), img.extentAt(0));
            assertEquals(4 * MIB, img.allocatedBytes());
        }
    }

    @Test
    void aProbeThatNeverFindsTheHoleAfterDataCountsTheRestAsData() throws Exception {
        Path p = file(4 * MIB);
        AllocationProbe stuck = file -> new AllocationProbe.FileAllocation() {
            @Override
            public long nextData(long offset) {
                return offset;
            }

            @Override
            public long nextHole(long offset) {
                return offset; // contradicts nextData: must not produce an empty or ZERO extent
            }

            @Override
            public void close() {
            }
        };
        try (RawImage img = RawImage.open(p, false, stuck)) {
            assertEquals(new Extent(MIB, 3 * MIB, Extent.Kind.DATA), img.extentAt(MIB));
        }
    }

    @Test
    void theProbesHandleIsClosedWithTheImage() throws Exception {
        Path p = file(4 * MIB);
        AtomicInteger closes = new AtomicInteger();
        RawImage img = RawImage.open(p, false, new RangesProbe(4 * MIB, new long[] {0, MIB}, closes));
        img.extentAt(0);
        img.close();
        assertEquals(1, closes.get());
        assertTrue(img.isReadOnly());
    }
}
