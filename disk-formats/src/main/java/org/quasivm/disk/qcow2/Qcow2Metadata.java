package org.quasivm.disk.qcow2;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.quasivm.disk.io.ImageFile;

/**
 * Walks every qcow2 metadata structure (header, L1/L2 of the active state and of internal snapshots,
 * refcount table and blocks, snapshot table), counts the references to each host cluster and compares them
 * with the stored refcounts. Used by {@code check} and by the repair after an unclean shutdown.
 */
final class Qcow2Metadata {
    /** Files with more clusters than this are not walked (the count array would be too large). */
    static final long MAX_CLUSTERS = 1L << 26;
    private static final int MAX_PROBLEMS = 100;

    record Result(char[] expected, List<String> problems, long leaked, long errors, long fileClusters) {
    }

    private Qcow2Metadata() {
    }

    static Result walk(ImageFile file, Qcow2Header h, long[] activeL1, Qcow2Refcounts refcounts) throws IOException {
        long fileSize = file.size();
        int cs = h.clusterSize();
        int bits = h.clusterBits();
        long clusters = (fileSize + cs - 1) >>> bits;
        List<String> problems = new ArrayList<>();
        if (clusters > MAX_CLUSTERS) {
            problems.add("file has " + clusters + " clusters, too many to check");
            return new Result(new char[0], problems, 0, 1, clusters);
        }
        Walker w = new Walker(file, h, clusters, problems);
        w.mark(0, 1, "header");
        w.mark(h.l1TableOffset(), (long) h.l1Size() * 8, "L1 table");
        w.mark(h.refcountTableOffset(), (long) h.refcountTableClusters() << bits, "refcount table");
        long[] table = refcounts.table();
        for (int i = 0; i < table.length; i++) {
            if (table[i] != 0) {
                w.mark(table[i], cs, "refcount block " + i);
            }
        }
        w.walkL1(activeL1, "active L1");
        if (h.nbSnapshots() > 0) {
            w.walkSnapshots();
        }
        long leaked = 0;
        long errors = w.errors;
        long limit = Math.max(clusters, refcounts.nextFreeCluster());
        for (long c = 0; c < limit; c++) {
            long stored = refcounts.get(c);
            long exp = c < clusters ? w.expected[(int) c] : 0;
            if (stored == exp || (exp == Character.MAX_VALUE && stored >= exp)) {
                continue;
            }
            if (stored > exp) {
                leaked++;
            } else {
                errors++;
                if (problems.size() < MAX_PROBLEMS) {
                    problems.add("cluster " + c + " has refcount " + stored + " but " + exp + " references");
                }
            }
        }
        return new Result(w.expected, problems, leaked, errors, clusters);
    }

    /** Sets every stored refcount to the counted number of references (releases leaks, fixes undercounts). */
    static void repairLeaks(Result r, Qcow2Refcounts refcounts) throws IOException {
        long limit = Math.max(r.fileClusters(), refcounts.nextFreeCluster());
        for (long c = 0; c < limit; c++) {
            long exp = c < r.fileClusters() ? r.expected()[(int) c] : 0;
            long stored = refcounts.get(c);
            if (stored != exp) {
                if (exp > 0) {
                    refcounts.ensureBlock(c);
                }
                refcounts.set(c, exp);
            }
        }
    }

    private static final class Walker {
        final ImageFile file;
        final Qcow2Header h;
        final char[] expected;
        final List<String> problems;
        final int bits;
        final int cs;
        final long clusters;
        final ByteBuffer l2 ;
        final int compressedOffsetBits;
        long errors;

        Walker(ImageFile file, Qcow2Header h, long clusters, List<String> problems) {
            this.file = file;
            this.h = h;
            this.clusters = clusters;
            this.expected = new char[(int) clusters];
            this.problems = problems;
            this.bits = h.clusterBits();
            this.cs = h.clusterSize();
            this.l2 = ByteBuffer.allocate(cs).order(ByteOrder.BIG_ENDIAN);
            this.compressedOffsetBits = 62 - (bits - 8);
        }

        void problem(String p) {
            errors++;
            if (problems.size() < MAX_PROBLEMS) {
                problems.add(p);
            }
        }

        /** Counts one reference to each cluster overlapping [offset, offset+length). */
        void mark(long offset, long length, String what) {
            if (length <= 0) {
                return;
            }
            long first = offset >>> bits;
            long last = (offset + length - 1) >>> bits;
            for (long c = first; c <= last; c++) {
                if (c >= clusters) {
                    problem(what + " points past the end of the file (offset " + (c << bits) + ")");
                    return;
                }
                if (expected[(int) c] != Character.MAX_VALUE) {
                    expected[(int) c]++;
                }
            }
        }

        void walkL1(long[] l1, String name) throws IOException {
            for (int i = 0; i < l1.length; i++) {
                long off = l1[i] & Qcow2ClusterMap.OFFSET_MASK;
                if (off == 0) {
                    continue;
                }
                if ((off & (cs - 1)) != 0 || (off >>> bits) >= clusters) {
                    problem(name + " entry " + i + " points outside the file or off a cluster boundary");
                    continue;
                }
                mark(off, cs, "L2 table " + i);
                l2.clear();
                file.readZeroPadded(l2, off);
                for (int j = 0; j < cs / 8; j++) {
                    long e = l2.getLong(j * 8);
                    if ((e & Qcow2ClusterMap.COMPRESSED) != 0) {
                        long host = e & ((1L << compressedOffsetBits) - 1);
                        long sectors = ((e & ~Qcow2ClusterMap.COPIED & ~Qcow2ClusterMap.COMPRESSED)
                                >>> compressedOffsetBits) + 1;
                        long end = (host & ~511L) + sectors * 512;
                        mark(host, end - host, "L2 table " + i + " entry " + j + " (compressed)");
                        continue;
                    }
                    long host = e & Qcow2ClusterMap.OFFSET_MASK;
                    if (host == 0) {
                        continue;
                    }
                    if ((host & (cs - 1)) != 0) {
                        problem("L2 table " + i + " entry " + j + " is not a cluster boundary");
                        continue;
                    }
                    mark(host, cs, "L2 table " + i + " entry " + j);
                }
            }
        }

        /** Snapshot table entries: L1 offset, L1 size, id/name lengths, extra data; each snapshot's L1 is walked. */
        void walkSnapshots() throws IOException {
            long at = h.snapshotsOffset();
            long fileSize = file.size();
            long start = at;
            for (int s = 0; s < h.nbSnapshots(); s++) {
                ByteBuffer e = ByteBuffer.allocate(40).order(ByteOrder.BIG_ENDIAN);
                if (at > fileSize - 40) {
                    problem("snapshot table runs past the end of the file");
                    return;
                }
                file.readFully(e, at, "snapshot table entry " + s);
                long l1Offset = e.getLong(0);
                long l1Size = e.getInt(8) & 0xffffffffL;
                int idLen = e.getShort(12) & 0xffff;
                int nameLen = e.getShort(14) & 0xffff;
                long extra = e.getInt(36) & 0xffffffffL;
                if (extra > 65536) {
                    problem("snapshot " + s + " has " + extra + " bytes of extra data");
                    return;
                }
                long len = 40 + extra + idLen + nameLen;
                at += (len + 7) & ~7L;
                if (l1Size * 8 > Qcow2Header.MAX_L1_BYTES || (l1Offset & (cs - 1)) != 0 || l1Offset <= 0
                        || l1Offset > fileSize - l1Size * 8) {
                    problem("snapshot " + s + " L1 table is out of range");
                    continue;
                }
                mark(l1Offset, l1Size * 8, "snapshot " + s + " L1 table");
                ByteBuffer b = ByteBuffer.allocate((int) (l1Size * 8)).order(ByteOrder.BIG_ENDIAN);
                file.readFully(b, l1Offset, "snapshot " + s + " L1 table");
                b.flip();
                long[] l1 = new long[(int) l1Size];
                b.asLongBuffer().get(l1);
                walkL1(l1, "snapshot " + s + " L1");
            }
            mark(start, at - start, "snapshot table");
        }
    }
}
