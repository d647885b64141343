package org.quasivm.exec.cpu;

import java.util.TreeMap;

import org.quasivm.exec.state.CpuState;
import org.quasivm.exec.state.FpuState;
import org.quasivm.exec.state.SegmentState;
import org.quasivm.exec.state.TableRegister;

/**
 * Builds a protected-mode environment in a {@link TestMachine}'s RAM and loads the CPU state for it: a flat GDT
 * (ring 0 and ring 3 code/data, a 32-bit TSS), an IDT whose every vector is an interrupt gate to a stub
 * {@code hlt; iretd} at {@link #HANDLERS} + 16 × vector, and optional identity paging for the first 4 MiB.
 */
final class PmFixture {
    static final int GDT = 0x1000;
    static final int IDT = 0x2000;
    static final int HANDLERS = 0x3000;
    static final int TSS = 0x5000;
    static final int PAGE_DIRECTORY = 0x10000;
    static final int PAGE_TABLE = 0x11000;
    static final int CODE = 0x20000;
    static final int KERNEL_STACK = 0x9000;
    static final int USER_STACK = 0x8000;

    static final int KCODE = 0x08, KDATA = 0x10, UCODE = 0x1B, UDATA = 0x23, TSS_SEL = 0x28, KCODE16 = 0x30,
            KDATA16 = 0x38;
    static final int GDT_ENTRIES = 64;

    /** Access bytes. */
    static final int CODE_ACCESS = 0x9A, DATA_ACCESS = 0x92, TSS32_ACCESS = 0x89;
    /** Flag nibbles. */
    static final int G_D = 0xC, NONE = 0;

    final TestMachine m;

    PmFixture(TestMachine m) {
        this.m = m;
        setGdt(KCODE, descriptor(0, 0xFFFFF, CODE_ACCESS, G_D));
        setGdt(KDATA, descriptor(0, 0xFFFFF, DATA_ACCESS, G_D));
        setGdt(UCODE, descriptor(0, 0xFFFFF, CODE_ACCESS | 0x60, G_D));
        setGdt(UDATA, descriptor(0, 0xFFFFF, DATA_ACCESS | 0x60, G_D));
        // Busy, as LTR leaves it.
        setGdt(TSS_SEL, descriptor(TSS, 0x67 + 8192 + 1, TSS32_ACCESS | 2, NONE));
        setGdt(KCODE16, descriptor(0, 0xFFFF, CODE_ACCESS, NONE));
        setGdt(KDATA16, descriptor(0, 0xFFFF, DATA_ACCESS, NONE));
        for (int v = 0; v < 256; v++) {
            setInterruptGate(v, KCODE, HANDLERS + 16 * v, 0xE, 0);
            m.write8(HANDLERS + 16 * v, 0xF4);
            m.write8(HANDLERS + 16 * v + 1, 0xCF);
        }
        // INT3 is allowed from ring 3 so user-mode test code can end with it (HLT is privileged).
        setInterruptGate(3, KCODE, HANDLERS + 16 * 3, 0xE, 3);
        m.write32(TSS + 4, KERNEL_STACK);
        m.write32(TSS + 8, KDATA);
        m.write16(TSS + 0x66, 0x68);
    }

    /** An 8-byte segment descriptor: limit in its 20-bit form, access byte, flags nibble (G, D/B, L, AVL). */
    static long descriptor(int base, int limit, int access, int flags) {
        long lo = (limit & 0xFFFFL) | ((base & 0xFFFFL) << 16);
        long hi = ((base >>> 16) & 0xFF) | ((long) access << 8) | (limit & 0xF0000L) | ((long) flags << 20)
                | (base & 0xFF000000L);
        return lo | (hi << 32);
    }

    /** A gate descriptor (call, interrupt, trap or task gate). */
    static long gate(int selector, int offset, int type, int dpl, int params) {
        long lo = (offset & 0xFFFFL) | ((long) (selector & 0xFFFF) << 16);
        long hi = (params & 0x1F) | ((long) (0x80 | (dpl << 5) | type) << 8) | (offset & 0xFFFF0000L);
        return lo | (hi << 32);
    }

    void setGdt(int selector, long descriptor) {
        m.write64(GDT + (selector & ~7), descriptor);
    }

    long gdt(int selector) {
        return m.ram.getLong(GDT + (selector & ~7));
    }

    void setInterruptGate(int vector, int selector, int offset, int type, int dpl) {
        m.write64(IDT + 8L * vector, gate(selector, offset, type, dpl, 0));
    }

    /** Identity-maps the first 4 MiB with 4 KiB pages; {@code pteFlags} apply to every page (P is added). */
    void identityPaging(int pteFlags) {
        m.write32(PAGE_DIRECTORY, PAGE_TABLE | 0x7);
        for (int i = 0; i < 1024; i++) {
            m.write32(PAGE_TABLE + 4L * i, (i << 12) | pteFlags | 1);
        }
    }

    void setPte(int linear, int value) {
        m.write32(PAGE_TABLE + 4L * ((linear >>> 12) & 0x3FF), value);
    }

    int pte(int linear) {
        return m.read32(PAGE_TABLE + 4L * ((linear >>> 12) & 0x3FF));
    }

    static SegmentState segment(int selector, long descriptor) {
        int lo = (int) descriptor;
        int hi = (int) (descriptor >>> 32);
        int base = (lo >>> 16) | ((hi & 0xFF) << 16) | (hi & 0xFF000000);
        int limit = (lo & 0xFFFF) | (hi & 0xF0000);
        if ((hi & (1 << 23)) != 0) {
            limit = (limit << 12) | 0xFFF;
        }
        return new SegmentState(selector, base & 0xFFFFFFFFL, limit, (hi >>> 8) & 0xF0FF);
    }

    /** Loads a protected-mode state at CPL 0 or 3 with flat segments, EIP = {@code eip}. */
    void enter(int cpl, boolean paging, int eip) {
        enter(cpl, paging, eip, 0x202, 0);
    }

    void enter(int cpl, boolean paging, int eip, int eflags, int cr4) {
        int cs = cpl == 3 ? UCODE : KCODE;
        int ds = cpl == 3 ? UDATA : KDATA;
        long[] gprs = new long[16];
        gprs[4] = cpl == 3 ? USER_STACK : KERNEL_STACK;
        long cr0 = 0x60000011L | (paging ? 0x80000000L : 0);
        SegmentState data = segment(ds, gdt(ds));
        SegmentState tr = segment(TSS_SEL, gdt(TSS_SEL));
        tr = new SegmentState(tr.selector(), tr.base(), tr.limit(), (tr.attributes() & ~0xF) | 0xB);
        m.cpu.restoreState(new CpuState(gprs, eip, eflags, data, segment(cs, gdt(cs)), data, data, data, data,
                new SegmentState(0, 0, 0, SegmentState.UNUSABLE), tr,
                new TableRegister(GDT, GDT_ENTRIES * 8 - 1), new TableRegister(IDT, 256 * 8 - 1),
                cr0, 0, paging ? PAGE_DIRECTORY : 0, cr4, 0, new long[] {0, 0, 0, 0, 0, 0, 0xFFFF0FF0L, 0x400},
                new TreeMap<>(), FpuState.powerOn(), false, 0, false, false, 0));
    }

    /** Assembles 32-bit code at {@link #CODE} and loads it. */
    void code32(String asm) {
        m.load(CODE, Nasm.assemble("bits 32\norg " + CODE + "\n" + asm + "\n"));
    }

    /** The vector whose handler stub halted, or -1 when the CPU halted elsewhere. */
    int haltedVector() {
        CpuState s = m.cpu.saveState();
        long at = s.rip() - 1 - HANDLERS;
        if (s.cs().selector() != KCODE || at < 0 || at >= 16 * 256 || at % 16 != 0) {
            return -1;
        }
        return (int) (at / 16);
    }

    /** The dword at ESP + offset (stack frames of handlers). */
    int stack(int offset) {
        CpuState s = m.cpu.saveState();
        return m.read32(s.ss().base() + s.gpr(4) + offset);
    }

    CpuState state() {
        return m.cpu.saveState();
    }
}
