package org.quasivm.disk.vdi;

import java.util.Arrays;
import java.util.List;
import org.quasivm.disk.CheckReport;

/** Structural check of a VDI: no data block is used twice, the allocated count matches the map. */
public final class VdiCheck {
    private VdiCheck() {
    }

    public static void check(VdiImage img, List<CheckReport.Problem> problems) {
        String name = img.path().getFileName().toString();
        int[] used = Arrays.stream(img.blockMap().entries())
                .filter(e -> e != VdiBlockMap.UNALLOCATED_ENTRY && e != VdiBlockMap.ZERO_ENTRY).sorted().toArray();
        for (int i = 1; i < used.length; i++) {
            if (used[i] == used[i - 1]) {
                problems.add(new CheckReport.Problem(CheckReport.Severity.ERROR,
                        name + ": data block " + used[i] + " is used by two block map entries"));
            }
        }
        if (used.length != img.header().blocksAllocated()) {
            problems.add(new CheckReport.Problem(CheckReport.Severity.WARNING, name + ": header counts "
                    + img.header().blocksAllocated() + " allocated blocks, the map has " + used.length));
        }
    }
}
