package org.quasivm.disk;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.quasivm.disk.io.PageAlignedBuffer;
import org.quasivm.disk.probe.FormatProbe;
import org.quasivm.disk.qcow2.Qcow2Check;
import org.quasivm.disk.qcow2.Qcow2Image;
import org.quasivm.disk.vdi.VdiCheck;
import org.quasivm.disk.vdi.VdiImage;
import org.quasivm.disk.vhd.VhdCheck;
import org.quasivm.disk.vhd.VhdImage;
import org.quasivm.disk.vmdk.VmdkCheck;
import org.quasivm.disk.vmdk.VmdkImage;

/** Runs the structural checks of each format, and optionally reads every stored byte. */
final class ImageChecker {
    private static final int CHUNK = 4 << 20;

    private ImageChecker() {
    }

    static CheckReport check(Path path, ImageFormat declared, boolean readData) throws IOException {
        List<CheckReport.Problem> problems = new ArrayList<>();
        ImageFormat format = declared;
        DiskImage img;
        try {
            if (format == null) {
                format = FormatProbe.probe(path);
            }
            img = ChainOpener.open(path, OpenOptions.readOnly().withFormat(format));
        } catch (DiskImageException e) {
            problems.add(new CheckReport.Problem(CheckReport.Severity.ERROR, e.getMessage()));
            return new CheckReport(path.toString(), format, problems, 0);
        }
        long leaked = 0;
        try (DiskImage d = img) {
            for (DiskImage layer = d; layer != null; layer = layer.backing()) {
                for (String w : layer.warnings()) {
                    problems.add(new CheckReport.Problem(CheckReport.Severity.WARNING,
                            layer.path().getFileName() + ": " + w));
                }
            }
            try {
                if (d instanceof VmdkImage v) {
                    VmdkCheck.check(v, problems);
                } else if (d instanceof VhdImage v) {
                    VhdCheck.check(v, problems);
                } else if (d instanceof VdiImage v) {
                    VdiCheck.check(v, problems);
                } else if (d instanceof Qcow2Image q) {
                    leaked = Qcow2Check.check(q, problems);
                }
                if (readData) {
                    readEverything(d);
                }
            } catch (DiskImageException e) {
                problems.add(new CheckReport.Problem(CheckReport.Severity.ERROR, e.getMessage()));
            }
        }
        return new CheckReport(path.toString(), format, problems, leaked);
    }

    /** Reads every range the top layer stores, so any undecodable or misplaced data surfaces as an error. */
    private static void readEverything(DiskImage d) throws IOException {
        ByteBuffer buf = PageAlignedBuffer.allocate(CHUNK);
        long off = 0;
        while (off < d.size()) {
            Extent e = d.layerExtentAt(off);
            if (e.kind() == Extent.Kind.DATA) {
                for (long p = off; p < e.end(); p += CHUNK) {
                    buf.clear();
                    buf.limit((int) Math.min(CHUNK, e.end() - p));
                    d.read(p, buf);
                }
            }
            off = e.end();
        }
    }
}
