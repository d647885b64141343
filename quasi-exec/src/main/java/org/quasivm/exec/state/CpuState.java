package org.quasivm.exec.state;

import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The architectural state of one x86 CPU, in 64-bit-capable fields: what a snapshot stores and what moves between the
 * software executor and KVM. The constructor checks structure (a snapshot file is untrusted input); executors check
 * architectural consistency when they load it.
 *
 * @param gprs            16 general registers in encoding order: RAX RCX RDX RBX RSP RBP RSI RDI R8..R15
 * @param rip             instruction pointer (offset in CS)
 * @param rflags          flags; bit 1 is always set
 * @param debugRegisters  DR0..DR7 by number (DR4/DR5 are kept as zero)
 * @param msrs            model-specific registers this CPU keeps, by index (TSC, SYSENTER_*, APIC base, PAT, MTRRs...)
 * @param halted          the CPU is in HLT waiting for an interrupt
 * @param interruptShadow 0, or {@link #SHADOW_STI}/{@link #SHADOW_MOV_SS}: interrupts are held off for one instruction
 * @param nmiPending      an NMI has been raised and not yet delivered
 * @param nmiBlocked      an NMI handler is running (blocked until IRET)
 * @param instructionsRetired the executor's instruction count (-1 where the executor cannot count)
 */
public record CpuState(long[] gprs, long rip, long rflags,
                       SegmentState es, SegmentState cs, SegmentState ss, SegmentState ds,
                       SegmentState fs, SegmentState gs, SegmentState ldtr, SegmentState tr,
                       TableRegister gdtr, TableRegister idtr,
                       long cr0, long cr2, long cr3, long cr4, long efer,
                       long[] debugRegisters, SortedMap<Integer, Long> msrs, FpuState fpu,
                       boolean halted, int interruptShadow, boolean nmiPending, boolean nmiBlocked,
                       long instructionsRetired) {

    public static final int RAX = 0, RCX = 1, RDX = 2, RBX = 3, RSP = 4, RBP = 5, RSI = 6, RDI = 7;
    public static final int SHADOW_STI = 1;
    public static final int SHADOW_MOV_SS = 2;

    public CpuState {
        if (gprs == null || gprs.length != 16) {
            throw new IllegalArgumentException("CPU state needs 16 general registers");
        }
        if (debugRegisters == null || debugRegisters.length != 8) {
            throw new IllegalArgumentException("CPU state needs DR0..DR7");
        }
        Objects.requireNonNull(es, "es");
        Objects.requireNonNull(cs, "cs");
        Objects.requireNonNull(ss, "ss");
        Objects.requireNonNull(ds, "ds");
        Objects.requireNonNull(fs, "fs");
        Objects.requireNonNull(gs, "gs");
        Objects.requireNonNull(ldtr, "ldtr");
        Objects.requireNonNull(tr, "tr");
        Objects.requireNonNull(gdtr, "gdtr");
        Objects.requireNonNull(idtr, "idtr");
        Objects.requireNonNull(fpu, "fpu");
        Objects.requireNonNull(msrs, "msrs");
        if ((rflags & 2) == 0) {
            throw new IllegalArgumentException("RFLAGS bit 1 must be set");
        }
        if (interruptShadow < 0 || interruptShadow > SHADOW_MOV_SS) {
            throw new IllegalArgumentException("interrupt shadow out of range: " + interruptShadow);
        }
        gprs = gprs.clone();
        debugRegisters = debugRegisters.clone();
        msrs = Collections.unmodifiableSortedMap(new TreeMap<>(msrs));
    }

    @Override
    public long[] gprs() {
        return gprs.clone();
    }

    public long gpr(int index) {
        return gprs[index];
    }

    @Override
    public long[] debugRegisters() {
        return debugRegisters.clone();
    }

    /** The value of an MSR, or {@code absent} when this state does not hold it. */
    public long msr(int index, long absent) {
        Long value = msrs.get(index);
        return value == null ? absent : value;
    }

    /** A copy with a different set of MSRs (for executors that fill them in). */
    public CpuState withMsrs(Map<Integer, Long> newMsrs) {
        return new CpuState(gprs, rip, rflags, es, cs, ss, ds, fs, gs, ldtr, tr, gdtr, idtr, cr0, cr2, cr3, cr4,
                efer, debugRegisters, new TreeMap<>(newMsrs), fpu, halted, interruptShadow, nmiPending, nmiBlocked,
                instructionsRetired);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CpuState s && Arrays.equals(gprs, s.gprs) && rip == s.rip && rflags == s.rflags
                && es.equals(s.es) && cs.equals(s.cs) && ss.equals(s.ss) && ds.equals(s.ds) && fs.equals(s.fs)
                && gs.equals(s.gs) && ldtr.equals(s.ldtr) && tr.equals(s.tr) && gdtr.equals(s.gdtr)
                && idtr.equals(s.idtr) && cr0 == s.cr0 && cr2 == s.cr2 && cr3 == s.cr3 && cr4 == s.cr4
                && efer == s.efer && Arrays.equals(debugRegisters, s.debugRegisters) && msrs.equals(s.msrs)
                && fpu.equals(s.fpu) && halted == s.halted && interruptShadow == s.interruptShadow
                && nmiPending == s.nmiPending && nmiBlocked == s.nmiBlocked
                && instructionsRetired == s.instructionsRetired;
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(gprs), rip, rflags, cs, cr0, cr3);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("CpuState[");
        String[] names = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi"};
        for (int i = 0; i < names.length; i++) {
            sb.append(names[i]).append('=').append(Long.toHexString(gprs[i])).append(' ');
        }
        return sb.append("rip=").append(Long.toHexString(rip)).append(" rflags=").append(Long.toHexString(rflags))
                .append(" cs=").append(cs).append(" ss=").append(ss).append(" cr0=").append(Long.toHexString(cr0))
                .append(" cr3=").append(Long.toHexString(cr3)).append(" cr4=").append(Long.toHexString(cr4))
                .append(']').toString();
    }
}
