package org.quasivm.nativehelper.kvm;

import java.nio.ByteBuffer;

/**
 * struct kvm_sregs (312 bytes): segment and system registers.
 *
 * @param interruptBitmap an external interrupt KVM has queued but not yet delivered (at most one bit set); kept
 *                        so a get/set round trip loses nothing
 */
public record KvmSregs(KvmSegment cs, KvmSegment ds, KvmSegment es, KvmSegment fs, KvmSegment gs, KvmSegment ss,
                       KvmSegment tr, KvmSegment ldt, KvmDtable gdt, KvmDtable idt,
                       long cr0, long cr2, long cr3, long cr4, long cr8, long efer, long apicBase,
                       long[] interruptBitmap) {

    static final int SIZE = 312;
    private static final int GDT = 8 * KvmSegment.SIZE;
    private static final int IDT = GDT + KvmDtable.SIZE;
    private static final int CR0 = IDT + KvmDtable.SIZE;
    private static final int BITMAP = CR0 + 7 * 8;

    public KvmSregs {
        if (interruptBitmap == null || interruptBitmap.length != 4) {
            throw new IllegalArgumentException("kvm_sregs interrupt bitmap is 4 words");
        }
        interruptBitmap = interruptBitmap.clone();
    }

    @Override
    public long[] interruptBitmap() {
        return interruptBitmap.clone();
    }

    /** A copy with different segment registers and system registers, keeping cr8, APIC base and the bitmap. */
    public KvmSregs with(KvmSegment cs, KvmSegment ds, KvmSegment es, KvmSegment fs, KvmSegment gs, KvmSegment ss,
                         KvmSegment tr, KvmSegment ldt, KvmDtable gdt, KvmDtable idt,
                         long cr0, long cr2, long cr3, long cr4, long efer) {
        return new KvmSregs(cs, ds, es, fs, gs, ss, tr, ldt, gdt, idt, cr0, cr2, cr3, cr4, cr8, efer, apicBase,
                interruptBitmap);
    }

    static KvmSregs read(ByteBuffer b) {
        KvmSegment[] seg = new KvmSegment[8];
        for (int i = 0; i < 8; i++) {
            seg[i] = KvmSegment.read(b, i * KvmSegment.SIZE);
        }
        long[] bitmap = new long[4];
        for (int i = 0; i < 4; i++) {
            bitmap[i] = b.getLong(BITMAP + 8 * i);
        }
        return new KvmSregs(seg[0], seg[1], seg[2], seg[3], seg[4], seg[5], seg[6], seg[7],
                KvmDtable.read(b, GDT), KvmDtable.read(b, IDT),
                b.getLong(CR0), b.getLong(CR0 + 8), b.getLong(CR0 + 16), b.getLong(CR0 + 24), b.getLong(CR0 + 32),
                b.getLong(CR0 + 40), b.getLong(CR0 + 48), bitmap);
    }

    void write(ByteBuffer b) {
        KvmSegment[] seg = {cs, ds, es, fs, gs, ss, tr, ldt};
        for (int i = 0; i < 8; i++) {
            seg[i].write(b, i * KvmSegment.SIZE);
        }
        gdt.write(b, GDT);
        idt.write(b, IDT);
        long[] cr = {cr0, cr2, cr3, cr4, cr8, efer, apicBase};
        for (int i = 0; i < cr.length; i++) {
            b.putLong(CR0 + 8 * i, cr[i]);
        }
        for (int i = 0; i < 4; i++) {
            b.putLong(BITMAP + 8 * i, interruptBitmap[i]);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KvmSregs r && cs.equals(r.cs) && ds.equals(r.ds) && es.equals(r.es) && fs.equals(r.fs)
                && gs.equals(r.gs) && ss.equals(r.ss) && tr.equals(r.tr) && ldt.equals(r.ldt) && gdt.equals(r.gdt)
                && idt.equals(r.idt) && cr0 == r.cr0 && cr2 == r.cr2 && cr3 == r.cr3 && cr4 == r.cr4
                && cr8 == r.cr8 && efer == r.efer && apicBase == r.apicBase
                && java.util.Arrays.equals(interruptBitmap, r.interruptBitmap);
    }

    @Override
    public int hashCode() {
        return cs.hashCode() * 31 + Long.hashCode(cr0);
    }
}
