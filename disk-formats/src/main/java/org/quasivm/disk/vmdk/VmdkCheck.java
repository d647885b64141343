package org.quasivm.disk.vmdk;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.quasivm.disk.CheckReport;
import org.quasivm.disk.DiskImageException;

/** Structural check of a VMDK's sparse extents: every grain table, grain placement, redundant copies. */
public final class VmdkCheck {
    private static final int MAX_REPORTED = 50;

    private VmdkCheck() {
    }

    public static void check(VmdkImage img, List<CheckReport.Problem> problems) throws IOException {
        for (VmdkExtent e : img.extents()) {
            if (e instanceof VmdkExtent.Sparse s) {
                checkSparse(s, problems);
            }
        }
    }

    private static void error(List<CheckReport.Problem> problems, String m) {
        if (problems.size() < MAX_REPORTED) {
            problems.add(new CheckReport.Problem(CheckReport.Severity.ERROR, m));
        }
    }

    private static void checkSparse(VmdkExtent.Sparse s, List<CheckReport.Problem> problems) throws IOException {
        VmdkSparseMap map = s.map();
        String name = s.file().path().getFileName().toString();
        SparseExtentHeader h = map.header();
        int[] gd = map.directory();
        int[] rgd = map.redundantDirectory();
        int gtes = map.grainsPerTable();
        long tableSectors = (gtes * 4L + 511) / 512;
        long[] grains = new long[0];
        int count = 0;
        long[] tables = new long[gd.length * 2];
        int tableCount = 0;
        for (int i = 0; i < gd.length; i++) {
            if (gd[i] == 0) {
                continue;
            }
            tables[tableCount++] = gd[i] & 0xffffffffL;
            int[] gt;
            try {
                gt = map.grainTable(i);
            } catch (DiskImageException ex) {
                error(problems, ex.getMessage());
                continue;
            }
            if (rgd != null && rgd[i] != 0) {
                tables[tableCount++] = rgd[i] & 0xffffffffL;
                try {
                    if (!Arrays.equals(gt, map.redundantGrainTable(i))) {
                        problems.add(new CheckReport.Problem(CheckReport.Severity.WARNING,
                                name + ": redundant grain table " + i + " differs from the primary"));
                    }
                } catch (DiskImageException ex) {
                    problems.add(new CheckReport.Problem(CheckReport.Severity.WARNING, ex.getMessage()));
                }
            }
            for (int e : gt) {
                if (e != 0 && !(e == 1 && h.zeroGrains())) {
                    if (count == grains.length) {
                        grains = Arrays.copyOf(grains, Math.max(1024, count * 2));
                    }
                    grains[count++] = e & 0xffffffffL;
                }
            }
        }
        Arrays.sort(grains, 0, count);
        Arrays.sort(tables, 0, tableCount);
        long grainSectors = h.compressed() ? 1 : h.grainSize();
        for (int i = 1; i < count; i++) {
            if (grains[i] < grains[i - 1] + grainSectors) {
                error(problems, name + ": grain at sector " + grains[i] + " is used by two grain table entries"
                        + (grains[i] == grains[i - 1] ? "" : " (overlap)"));
            }
        }
        // Grains must not overlap grain tables (placed after the overhead in streamOptimized files).
        for (int i = 0, t = 0; i < count && tableCount > 0; i++) {
            while (t < tableCount && tables[t] + tableSectors <= grains[i]) {
                t++;
            }
            if (t < tableCount && tables[t] < grains[i] + grainSectors) {
                error(problems, name + ": grain at sector " + grains[i] + " overlaps grain table at sector "
                        + tables[t]);
            }
        }
    }
}
