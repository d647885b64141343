package org.quasivm.disk.qcow2;

import java.io.IOException;
import java.util.List;
import org.quasivm.disk.CheckReport;

/** Structural check of a qcow2: references against refcounts, like {@code qemu-img check}. */
public final class Qcow2Check {
    private Qcow2Check() {
    }

    /** Adds problems and returns the number of leaked clusters. */
    public static long check(Qcow2Image img, List<CheckReport.Problem> problems) throws IOException {
        String name = img.path().getFileName().toString();
        Qcow2Header h = img.header();
        long size = img.file().size();
        Qcow2Refcounts refcounts = new Qcow2Refcounts(img.file(), h, Qcow2Refcounts.readTable(img.file(), h, size),
                size);
        Qcow2Metadata.Result r = Qcow2Metadata.walk(img.file(), h, img.clusterMap().l1(), refcounts);
        for (String p : r.problems()) {
            problems.add(new CheckReport.Problem(CheckReport.Severity.ERROR, name + ": " + p));
        }
        if (h.dirty() && img.isReadOnly()) {
            problems.add(new CheckReport.Problem(CheckReport.Severity.WARNING,
                    name + ": was not closed cleanly (the next read-write open releases leaked clusters)"));
        }
        return r.leaked();
    }
}
