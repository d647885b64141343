package org.quasivm.exec.cpu;

import java.util.Map;
import java.util.TreeMap;

import org.quasivm.exec.Executor;
import org.quasivm.exec.Exit;
import org.quasivm.exec.InterruptSource;
import org.quasivm.exec.Platform;
import org.quasivm.exec.state.CpuState;
import org.quasivm.exec.state.FpuState;
import org.quasivm.exec.state.SegmentState;
import org.quasivm.exec.state.TableRegister;

/**
 * The pure-Java executor: an i686 interpreter over the machine's {@link Platform}. Interrupts are taken at block
 * boundaries (a block is at most {@value org.quasivm.exec.decode.DecodedBlock#MAX_INSNS} instructions and ends at any
 * instruction that can change IF, so latency stays short), honouring IF, the STI/MOV SS shadow and HLT.
 */
public final class SoftwareExecutor extends Interpreter implements Executor {
    private volatile boolean exitRequested;
    private boolean nmiPending;
    /** The instruction about to run is in an interrupt shadow. */
    private boolean shadowActive;
    private String shutdownReason;
    private int lastException = -1;
    private FpuState fpuState = FpuState.powerOn();

    /** A CPU with an x87 unit and no local APIC. */
    public SoftwareExecutor(Platform platform) {
        this(platform, new CpuFeatures(true, false));
    }

    public SoftwareExecutor(Platform platform, CpuFeatures features) {
        super(platform, features);
        reset();
    }

    @Override
    public String name() {
        return "software";
    }

    /** Blocks chained between polls of {@link #requestExit()} (the only event that can arrive unannounced). */
    private static final int POLL_BLOCKS = 256;

    @Override
    public Exit run(long instructionBudget) {
        try {
            return runLoop(instructionBudget);
        } catch (CpuFault f) {
            // Only a fault escaping the architectural handling would get here: a defect, reported as such.
            return new Exit.InternalError("software CPU: unhandled " + f.getMessage() + " at " + where());
        } catch (RuntimeException e) {
            return new Exit.InternalError("software CPU: " + e + " at " + where());
        }
    }

    private String where() {
        return String.format("CS:EIP %04x:%08x (instruction at %08x)", segSel[CS], eip, instrStart);
    }

    private Exit runLoop(long instructionBudget) {
        if (shutdownReason != null) {
            return new Exit.Shutdown(shutdownReason);
        }
        retireLimit = retired + Math.max(0, instructionBudget);
        InterruptSource interrupts = platform.interrupts();
        // Exceptions that retire nothing (a handler that faults on its own first instruction, forever) still use
        // up the budget, so run() always returns.
        long faults = 0;
        while (true) {
            if (exitRequested) {
                exitRequested = false;
                return Exit.EXIT_REQUESTED;
            }
            checkEvents = false;
            breakChain();
            if (!shadowActive) {
                if (nmiPending && !nmiBlocked) {
                    nmiPending = false;
                    nmiBlocked = true;
                    halted = false;
                    deliverEvent(CpuFault.NMI, INT_EXTERNAL);
                } else if ((eflags & IF) != 0 && interrupts.hasInterrupt()) {
                    int vector = interrupts.acknowledge() & 0xFF;
                    halted = false;
                    deliverEvent(vector, INT_EXTERNAL);
                }
                if (shutdownReason != null) {
                    return new Exit.Shutdown(shutdownReason);
                }
            }
            if (halted) {
                return Exit.HALTED;
            }
            if (retired + faults >= retireLimit) {
                return Exit.BUDGET_EXHAUSTED;
            }
            try {
                if (shadowActive || (eflags & TF) != 0) {
                    singleStep();
                } else {
                    // Chain blocks until something happens that the checks above must see.
                    int poll = POLL_BLOCKS;
                    do {
                        runBlock((int) Math.min(retireLimit - retired, Integer.MAX_VALUE));
                    } while (!checkEvents && retired < retireLimit && --poll > 0);
                }
                if (shadowNext) {
                    shadowNext = false;
                    shadowActive = true;
                }
            } catch (CpuFault f) {
                eip = instrStart;
                shadowNext = false;
                faults++;
                deliverException(f.vector(), f.hasErrorCode(), f.errorCode());
            }
            if (shutdownReason != null) {
                return new Exit.Shutdown(shutdownReason);
            }
        }
    }

    /** One instruction in an interrupt shadow or under EFLAGS.TF (then a single-step #DB trap follows it). */
    private void singleStep() {
        boolean trap = (eflags & TF) != 0;
        shadowActive = false;
        runBlock(1);
        if (trap) {
            dr[6] |= 0x4000;
            deliverEvent(CpuFault.DB, INT_EXCEPTION);
        }
    }

    /**
     * Executes exactly one instruction (a REP instruction to completion) and delivers any exception it raises,
     * ignoring interrupts. For instruction-level tests and tools.
     *
     * @return false when the CPU shut down (triple fault)
     */
    public boolean step() {
        if (shutdownReason != null) {
            return false;
        }
        retireLimit = Long.MAX_VALUE;
        lastException = -1;
        try {
            runBlock(1);
            shadowNext = false;
        } catch (CpuFault f) {
            eip = instrStart;
            shadowNext = false;
            deliverException(f.vector(), f.hasErrorCode(), f.errorCode());
        }
        return shutdownReason == null;
    }

    /** The vector of the last exception {@link #step()} delivered, or -1 (diagnostics for instruction tests). */
    public int lastException() {
        return lastException;
    }

    /** Whether HLT is waiting for an interrupt. */
    public boolean isHalted() {
        return halted;
    }

    /** Delivers an interrupt at an instruction boundary; a fault during delivery is handled as an exception. */
    private void deliverEvent(int vector, int kind) {
        try {
            interrupt(vector, kind, false, 0);
        } catch (CpuFault f) {
            deliverException(f.vector(), f.hasErrorCode(), f.errorCode());
        }
    }

    private static boolean contributory(int v) {
        return v == CpuFault.DE || (v >= CpuFault.TS && v <= CpuFault.GP);
    }

    /** Exception delivery with the double-fault rules (Intel SDM vol. 3, table 6-5) and triple-fault shutdown. */
    private void deliverException(int vector, boolean hasError, int error) {
        lastException = vector;
        try {
            interrupt(vector, INT_EXCEPTION, hasError, error);
        } catch (CpuFault second) {
            int v2 = second.vector();
            if (vector == CpuFault.DF) {
                shutdownReason = "triple fault";
                return;
            }
            boolean dbl = (contributory(vector) && contributory(v2))
                    || (vector == CpuFault.PF && (contributory(v2) || v2 == CpuFault.PF));
            if (dbl) {
                try {
                    interrupt(CpuFault.DF, INT_EXCEPTION, true, 0);
                } catch (CpuFault third) {
                    shutdownReason = "triple fault";
                }
                return;
            }
            deliverException(v2, second.hasErrorCode(), second.errorCode());
        }
    }

    @Override
    public void requestExit() {
        exitRequested = true;
    }

    @Override
    public void raiseNmi() {
        nmiPending = true;
        checkEvents = true;
    }

    @Override
    public void setA20(boolean enabled) {
        if (bus.a20() != enabled) {
            bus.setA20(enabled);
            flushTlb();
        }
    }

    @Override
    public void invalidateCode(long physicalAddress, long length) {
        codeCache.invalidate(physicalAddress, length);
    }

    @Override
    public void memoryMapChanged() {
        bus.remap();
        flushTlb();
        codeCache.flush();
    }

    @Override
    public void reset() {
        resetRegisters();
        halted = false;
        shadowNext = false;
        shadowActive = false;
        nmiPending = false;
        nmiBlocked = false;
        shutdownReason = null;
        fpuState = FpuState.powerOn();
        if (x87 != null) {
            x87.reset();
        }
    }

    @Override
    public long instructionsRetired() {
        return retired;
    }

    @Override
    public void close() {
        // Nothing to release: guest memory belongs to the machine.
    }

    // ---- state ----

    private SegmentState segment(int s) {
        return new SegmentState(segSel[s], segBase[s] & 0xFFFFFFFFL, segLimit[s], segAttr[s]);
    }

    @Override
    public CpuState saveState() {
        long[] gprs = new long[16];
        System.arraycopy(regs, 0, gprs, 0, 16);
        TreeMap<Integer, Long> msrs = new TreeMap<>();
        msrs.put(MSR_TSC, timeStampCounter());
        msrs.put(MSR_APIC_BASE, apicBase);
        msrs.put(MSR_BIOS_SIGN_ID, biosSignId);
        msrs.put(MSR_SYSENTER_CS, sysenterCs);
        msrs.put(MSR_SYSENTER_ESP, sysenterEsp);
        msrs.put(MSR_SYSENTER_EIP, sysenterEip);
        msrs.put(MSR_PAT, pat);
        msrs.put(MSR_MTRR_DEF_TYPE, mtrrDefType);
        for (int i = 0; i < 16; i++) {
            msrs.put(MSR_MTRR_PHYS_BASE0 + i, mtrrVariable[i]);
        }
        int[] fixed = {MSR_MTRR_FIX64K, MSR_MTRR_FIX16K_80000, MSR_MTRR_FIX16K_A0000};
        for (int i = 0; i < 3; i++) {
            msrs.put(fixed[i], mtrrFixed[i]);
        }
        for (int i = 0; i < 8; i++) {
            msrs.put(MSR_MTRR_FIX4K_C0000 + i, mtrrFixed[3 + i]);
        }
        long[] debug = new long[8];
        for (int i = 0; i < 8; i++) {
            debug[i] = i == 4 || i == 5 ? 0 : dr[i] & 0xFFFFFFFFL;
        }
        return new CpuState(gprs, eip & 0xFFFFFFFFL, getEflags() & 0xFFFFFFFFL,
                segment(ES), segment(CS), segment(SS), segment(DS), segment(FS), segment(GS),
                new SegmentState(ldtrSel, ldtrBase & 0xFFFFFFFFL, ldtrLimit, ldtrAttr),
                new SegmentState(trSel, trBase & 0xFFFFFFFFL, trLimit, trAttr),
                new TableRegister(gdtrBase & 0xFFFFFFFFL, gdtrLimit & 0xFFFF),
                new TableRegister(idtrBase & 0xFFFFFFFFL, idtrLimit & 0xFFFF),
                cr0 & 0xFFFFFFFFL, cr2 & 0xFFFFFFFFL, cr3 & 0xFFFFFFFFL, cr4 & 0xFFFFFFFFL, efer,
                debug, msrs, saveFpu(), halted, shadowActive ? CpuState.SHADOW_STI : 0, nmiPending, nmiBlocked,
                retired);
    }

    private FpuState saveFpu() {
        return x87 != null ? x87.save() : fpuState;
    }

    private void restoreFpu(FpuState state) {
        if (x87 != null) {
            x87.restore(state);
        } else {
            fpuState = state;
        }
    }

    @Override
    public void restoreState(CpuState s) {
        validate(s);
        // The x87 state is checked before anything changes; then it is loaded first.
        restoreFpu(s.fpu());
        for (int i = 0; i < 16; i++) {
            regs[i] = s.gpr(i);
        }
        regs[16] = 0;
        eip = (int) s.rip();
        cr0 = (int) s.cr0() | CR0_ET;
        cr2 = (int) s.cr2();
        cr3 = (int) s.cr3();
        cr4 = (int) s.cr4();
        efer = 0;
        setEflagsRaw((int) s.rflags());
        SegmentState[] segs = {s.es(), s.cs(), s.ss(), s.ds(), s.fs(), s.gs()};
        protectedMode = false;
        v86 = false;
        for (int i = 0; i < 6; i++) {
            setSegment(i, segs[i].selector(), (int) segs[i].base(), segs[i].limit(), segs[i].attributes());
        }
        ldtrSel = s.ldtr().selector();
        ldtrBase = (int) s.ldtr().base();
        ldtrLimit = s.ldtr().limit();
        ldtrAttr = s.ldtr().attributes();
        trSel = s.tr().selector();
        trBase = (int) s.tr().base();
        trLimit = s.tr().limit();
        trAttr = s.tr().attributes();
        gdtrBase = (int) s.gdtr().base();
        gdtrLimit = s.gdtr().limit();
        idtrBase = (int) s.idtr().base();
        idtrLimit = s.idtr().limit();
        long[] debug = s.debugRegisters();
        for (int i = 0; i < 8; i++) {
            dr[i] = (int) debug[i];
        }
        updateMode();
        if (protectedMode) {
            setCpl(s.cs().selector() & 3);
            code32 = (segAttr[CS] & SegmentState.DB) != 0;
        }
        Map<Integer, Long> m = s.msrs();
        tscOffset = s.msr(MSR_TSC, 0) - platform.timeStampCounter().getAsLong();
        apicBase = s.msr(MSR_APIC_BASE, APIC_BASE_RESET);
        biosSignId = s.msr(MSR_BIOS_SIGN_ID, 0);
        sysenterCs = s.msr(MSR_SYSENTER_CS, 0) & 0xFFFF;
        sysenterEsp = s.msr(MSR_SYSENTER_ESP, 0) & 0xFFFFFFFFL;
        sysenterEip = s.msr(MSR_SYSENTER_EIP, 0) & 0xFFFFFFFFL;
        pat = s.msr(MSR_PAT, PAT_RESET);
        mtrrDefType = s.msr(MSR_MTRR_DEF_TYPE, 0);
        java.util.Arrays.fill(perfCounters, 0); // not carried in CpuState: see CpuSystem
        java.util.Arrays.fill(eventSelects, 0);
        for (int i = 0; i < 16; i++) {
            mtrrVariable[i] = s.msr(MSR_MTRR_PHYS_BASE0 + i, 0);
        }
        mtrrFixed[0] = s.msr(MSR_MTRR_FIX64K, 0);
        mtrrFixed[1] = s.msr(MSR_MTRR_FIX16K_80000, 0);
        mtrrFixed[2] = s.msr(MSR_MTRR_FIX16K_A0000, 0);
        for (int i = 0; i < 8; i++) {
            mtrrFixed[3 + i] = s.msr(MSR_MTRR_FIX4K_C0000 + i, 0);
        }
        if (m.isEmpty()) {
            tscOffset = -platform.timeStampCounter().getAsLong();
        }
        halted = s.halted();
        shadowActive = s.interruptShadow() != 0;
        shadowNext = false;
        nmiPending = s.nmiPending();
        nmiBlocked = s.nmiBlocked();
        if (s.instructionsRetired() >= 0) {
            retired = s.instructionsRetired();
        }
        shutdownReason = null;
        flushTlb();
    }

    /** Rejects states this 32-bit CPU cannot represent or that are architecturally inconsistent. */
    private void validate(CpuState s) {
        for (int i = 0; i < 8; i++) {
            if ((s.gpr(i) >>> 32) != 0) {
                throw new IllegalArgumentException("register " + i + " has bits above 31: this CPU is 32-bit");
            }
        }
        for (int i = 8; i < 16; i++) {
            if (s.gpr(i) != 0) {
                throw new IllegalArgumentException("register r" + i + " is set: this CPU has no 64-bit registers");
            }
        }
        if ((s.rip() >>> 32) != 0) {
            throw new IllegalArgumentException("RIP above 4 GiB: " + Long.toHexString(s.rip()));
        }
        if (s.efer() != 0) {
            throw new IllegalArgumentException("EFER must be zero (no long mode, NX or SYSCALL): "
                    + Long.toHexString(s.efer()));
        }
        long cr0v = s.cr0();
        if ((cr0v >>> 32) != 0 || ((cr0v & CR0_PG) != 0 && (cr0v & CR0_PE) == 0)) {
            throw new IllegalArgumentException("CR0 invalid: " + Long.toHexString(cr0v));
        }
        if ((s.cr4() & ~(long) cr4Writable()) != 0) {
            throw new IllegalArgumentException("CR4 has bits this CPU does not implement: "
                    + Long.toHexString(s.cr4()));
        }
        if ((s.cr3() >>> 32) != 0 || (s.cr2() >>> 32) != 0) {
            throw new IllegalArgumentException("CR2/CR3 above 32 bits");
        }
        if ((s.rflags() & ~(long) DEFINED_FLAGS) != 0) {
            throw new IllegalArgumentException("RFLAGS has undefined bits: " + Long.toHexString(s.rflags()));
        }
        SegmentState[] segs = {s.es(), s.cs(), s.ss(), s.ds(), s.fs(), s.gs(), s.ldtr(), s.tr()};
        for (SegmentState seg : segs) {
            if ((seg.base() >>> 32) != 0) {
                throw new IllegalArgumentException("segment base above 4 GiB: " + seg);
            }
            if ((seg.attributes() & SegmentState.L) != 0) {
                throw new IllegalArgumentException("64-bit code segment in a 32-bit CPU: " + seg);
            }
        }
        boolean pe = (cr0v & CR0_PE) != 0;
        boolean vm = (s.rflags() & VM) != 0;
        if (pe && !vm) {
            int csType = s.cs().attributes() & 0x18;
            if (csType != 0x18) {
                throw new IllegalArgumentException("CS is not a code segment in protected mode: " + s.cs());
            }
        }
        if (vm && !pe) {
            throw new IllegalArgumentException("EFLAGS.VM set outside protected mode");
        }
    }
}
