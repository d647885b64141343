package org.quasivm.disk.vhd;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.quasivm.disk.CheckReport;

/** Structural check of a VHD: the two footer copies agree, no two blocks share space. */
public final class VhdCheck {
    private VhdCheck() {
    }

    public static void check(VhdImage img, List<CheckReport.Problem> problems) throws IOException {
        VhdBlockMap map = img.blockMap();
        if (map == null) {
            return;
        }
        String name = img.path().getFileName().toString();
        ByteBuffer head = ByteBuffer.allocate(VhdFooter.SIZE);
        img.file().readFully(head, 0, "footer copy");
        head.flip();
        ByteBuffer tail = ByteBuffer.allocate(VhdFooter.SIZE);
        img.file().readZeroPadded(tail, map.nextFree());
        tail.flip();
        if (!head.equals(tail)) {
            problems.add(new CheckReport.Problem(CheckReport.Severity.WARNING,
                    name + ": the footer copy at offset 0 differs from the footer at the end"));
        }
        long span = (long) map.bitmapBytes() + img.dynamicHeader().blockSize();
        long[] starts = Arrays.stream(map.bat()).filter(e -> e != -1).mapToLong(e -> (e & 0xffffffffL) * 512)
                .sorted().toArray();
        for (int i = 1; i < starts.length; i++) {
            if (starts[i] < starts[i - 1] + span) {
                problems.add(new CheckReport.Problem(CheckReport.Severity.ERROR,
                        name + ": blocks at offsets " + starts[i - 1] + " and " + starts[i] + " overlap"));
            }
        }
    }
}
