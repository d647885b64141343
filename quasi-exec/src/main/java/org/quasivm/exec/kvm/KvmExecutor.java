package org.quasivm.exec.kvm;

import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.quasivm.exec.Executor;
import org.quasivm.exec.Exit;
import org.quasivm.exec.InterruptSource;
import org.quasivm.exec.Platform;
import org.quasivm.exec.PortIo;
import org.quasivm.exec.cpu.CpuFeatures;
import org.quasivm.exec.memory.PhysicalMemory;
import org.quasivm.exec.state.CpuState;
import org.quasivm.nativehelper.kvm.Kvm;
import org.quasivm.nativehelper.kvm.KvmCapability;
import org.quasivm.nativehelper.kvm.KvmCpuidEntry;
import org.quasivm.nativehelper.kvm.KvmDebugRegs;
import org.quasivm.nativehelper.kvm.KvmException;
import org.quasivm.nativehelper.kvm.KvmRegs;
import org.quasivm.nativehelper.kvm.KvmRunPage;
import org.quasivm.nativehelper.kvm.KvmSregs;
import org.quasivm.nativehelper.kvm.KvmUnavailableException;
import org.quasivm.nativehelper.kvm.KvmVcpu;
import org.quasivm.nativehelper.kvm.KvmVcpuEvents;
import org.quasivm.nativehelper.kvm.KvmVm;
import org.quasivm.nativehelper.libc.Errno;
import org.quasivm.nativehelper.libc.ThreadKick;

/**
 * The hardware fast path: the host CPU runs the guest through /dev/kvm, and what KVM hands back — port I/O, MMIO,
 * HLT, shutdown — goes to the same machine as under the software executor.
 *
 * <p>Interrupts come from the machine's own PIC through {@link InterruptSource} (no in-kernel irqchip; see
 * native-helper/README.md for the measured choice). An interrupt is injected when KVM reports the guest ready (IF
 * set, no STI/MOV SS shadow), otherwise an interrupt window is requested. KVM_INTERRUPT parks the vector where
 * neither KVM_GET_VCPU_EVENTS nor KVM_GET_SREGS shows it until the next guest entry; so that a pause never loses an
 * interrupt the PIC has already acknowledged, {@code run} does not return until KVM has entered the guest after an
 * injection (KVM_SET_VCPU_EVENTS would avoid that, at two vCPU ioctls per interrupt instead of one: measured
 * 8 µs each on the nested build host, as much as a whole exit).
 *
 * <p>The guest's time-stamp counter runs from the host TSC ({@link Platform#timeStampCounter()} is not consulted);
 * it moves with the state through MSR 10h. The instruction budget is a hint only: {@code run} returns on HLT, a
 * shutdown, an error or {@link #requestExit()}, which the machine calls when its next timer deadline is due.
 */
public final class KvmExecutor implements Executor {

    /** Three pages KVM may need for real-mode emulation on Intel, and the EPT identity page below: QEMU's places. */
    static final long TSS_ADDRESS = 0xFEFF_D000L;
    static final long IDENTITY_MAP_ADDRESS = 0xFEFF_C000L;

    private static final long RFLAGS_IF = 1 << 9;
    /** How long a settling run may take before it is kicked (saveState with an event half delivered). */
    private static final long SETTLE_KICK_MICROS = 500;
    private static final int SETTLE_ATTEMPTS = 200;

    private static final KvmCapability[] REQUIRED = {
        KvmCapability.USER_MEMORY, KvmCapability.SET_TSS_ADDR, KvmCapability.EXT_CPUID, KvmCapability.READONLY_MEM,
        KvmCapability.IMMEDIATE_EXIT, KvmCapability.VCPU_EVENTS, KvmCapability.DEBUGREGS, KvmCapability.XSAVE,
        KvmCapability.USER_NMI, KvmCapability.HLT,
    };

    private final PhysicalMemory memory;
    private final PortIo ports;
    private final InterruptSource interrupts;
    private final Kvm kvm;
    private final KvmVm vm;
    private final KvmVcpu vcpu;
    private final KvmRunPage run;
    private final ByteBuffer runBytes;
    private final int runSize;
    private final KvmMemorySlots slots;
    private final List<KvmCpuidEntry> cpuid;

    private final Object lifecycle = new Object();
    private volatile boolean closed;
    private volatile boolean exitRequested;
    private volatile boolean inKvmRun;
    private volatile int vcpuThreadId;
    private Thread vcpuThread;

    private boolean a20 = true;
    private boolean halted;
    /** IF when the CPU halted: an interrupt wakes it only if set. */
    private boolean haltedWithInterruptsEnabled;
    private boolean nmiRaisedWhileHalted;
    /** KVM's ready-for-injection flag as of the last KVM_RUN, cleared once we inject or change state. */
    private boolean mayInject;
    /** A vector went to KVM_INTERRUPT and KVM has not entered the guest since: only KVM knows about it. */
    private boolean injectionUnconfirmed;

    /** A CPU like the software executor's default (x87, no local APIC) on /dev/kvm. */
    public KvmExecutor(Platform platform) {
        this(platform, Kvm.DEVICE);
    }

    /** A CPU like the software executor's default (x87, no local APIC). */
    public KvmExecutor(Platform platform, Path device) {
        this(platform, device, new CpuFeatures(true, false));
    }

    /**
     * Creates a one-vCPU VM over the platform's memory, in the power-on RESET state, whose CPUID is exactly the
     * software CPU's for {@code features}.
     *
     * @throws KvmUnavailableException (one line, for the user) when the device is missing, not permitted, not KVM,
     *                                 lacks a capability or CPU feature QuasiVM needs or refuses to create a VM
     */
    public KvmExecutor(Platform platform, Path device, CpuFeatures features) {
        this.memory = platform.memory();
        this.ports = platform.ports();
        this.interrupts = platform.interrupts();
        this.kvm = Kvm.open(device);
        KvmVm createdVm = null;
        KvmVcpu createdVcpu = null;
        try {
            for (KvmCapability capability : REQUIRED) {
                if (kvm.checkExtension(capability) <= 0) {
                    throw new KvmUnavailableException("KVM is not usable: " + device + " lacks the capability "
                            + capability + " QuasiVM needs");
                }
            }
            try {
                createdVm = kvm.createVm();
            } catch (KvmException e) {
                throw new KvmUnavailableException("KVM is not usable: " + e.getMessage(), e);
            }
            createdVm.setTssAddress(TSS_ADDRESS);
            if (kvm.checkExtension(KvmCapability.SET_IDENTITY_MAP_ADDR) > 0) {
                createdVm.setIdentityMapAddress(IDENTITY_MAP_ADDRESS);
            }
            createdVcpu = createdVm.createVcpu(0);
            this.cpuid = CpuidPolicy.advertised(kvm.supportedCpuid(), features);
            createdVcpu.setCpuid(cpuid);
        } catch (RuntimeException e) {
            if (createdVcpu != null) {
                createdVcpu.close();
            }
            if (createdVm != null) {
                createdVm.close();
            }
            kvm.close();
            throw e;
        }
        this.vm = createdVm;
        this.vcpu = createdVcpu;
        this.run = vcpu.runPage();
        this.runBytes = run.bytes();
        this.runSize = run.size();
        this.slots = new KvmMemorySlots(vm, Math.max(1, kvm.checkExtension(KvmCapability.NR_MEMSLOTS)));
        try {
            slots.sync(memory, a20);
            reset();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    @Override
    public String name() {
        return "kvm";
    }

    /** The CPUID table the guest sees. */
    public List<KvmCpuidEntry> cpuid() {
        return cpuid;
    }

    @Override
    public Exit run(long instructionBudget) {
        bindThread();
        while (true) {
            if (exitRequested) {
                Exit failure = confirmInjection();
                exitRequested = false;
                run.setImmediateExit(false);
                return failure != null ? failure : Exit.EXIT_REQUESTED;
            }
            if (halted) {
                if (!wakeable()) {
                    return Exit.HALTED;
                }
                halted = false;
                nmiRaisedWhileHalted = false;
                // Halted with IF set, nothing in flight: deliver now rather than after an interrupt-window exit.
                mayInject |= haltedWithInterruptsEnabled;
            }
            offerInterrupt();
            inKvmRun = true;
            int errno = vcpu.run();
            inKvmRun = false;
            mayInject = run.readyForInterruptInjection();
            if (errno != 0) {
                if (errno == Errno.EINTR || errno == Errno.EAGAIN) {
                    continue;
                }
                injectionUnconfirmed = false;
                return new Exit.InternalError("KVM_RUN failed: " + Errno.describe(errno) + "; " + registers());
            }
            injectionUnconfirmed = false;
            Exit exit = handleExit(run.exitReason());
            if (exit != null) {
                return exit;
            }
        }
    }

    // Runs on, a slice at a time, until KVM has entered the guest once since the last KVM_INTERRUPT (an exit request
    // can make KVM_RUN return before it does). Returns a shutdown or error the guest ran into meanwhile, else null.
    private Exit confirmInjection() {
        for (int attempt = 0; injectionUnconfirmed && attempt < SETTLE_ATTEMPTS; attempt++) {
            run.setImmediateExit(false);
            Exit exit = runSlice();
            if (exit instanceof Exit.Shutdown || exit instanceof Exit.InternalError) {
                return exit;
            }
        }
        if (injectionUnconfirmed) {
            return new Exit.InternalError("KVM did not enter the guest to deliver an injected interrupt");
        }
        return null;
    }

    /** Handles one exit; null means "keep running". */
    private Exit handleExit(int reason) {
        switch (reason) {
            case KvmRunPage.EXIT_IO:
                return handleIo();
            case KvmRunPage.EXIT_MMIO:
                return handleMmio();
            case KvmRunPage.EXIT_IRQ_WINDOW_OPEN:
            case KvmRunPage.EXIT_INTR:
                return null;
            case KvmRunPage.EXIT_HLT:
                halted = true;
                haltedWithInterruptsEnabled = run.interruptFlag();
                return Exit.HALTED;
            case KvmRunPage.EXIT_SHUTDOWN:
                return new Exit.Shutdown("triple fault (KVM_EXIT_SHUTDOWN); " + registers());
            case KvmRunPage.EXIT_SYSTEM_EVENT:
                return new Exit.Shutdown("KVM system event " + run.systemEventType());
            case KvmRunPage.EXIT_FAIL_ENTRY:
                return new Exit.InternalError("KVM could not enter the guest: hardware entry failure reason 0x"
                        + Long.toHexString(run.hardwareEntryFailureReason()) + "; " + registers());
            case KvmRunPage.EXIT_INTERNAL_ERROR:
                return new Exit.InternalError(KvmExitReport.internalError(run) + "; " + registers());
            case KvmRunPage.EXIT_UNKNOWN:
                return new Exit.InternalError("KVM_EXIT_UNKNOWN: hardware exit reason 0x"
                        + Long.toHexString(run.hardwareExitReason()) + "; " + registers());
            case KvmRunPage.EXIT_EXCEPTION:
                return new Exit.InternalError("KVM_EXIT_EXCEPTION: vector " + run.exceptionNumber()
                        + ", error code 0x" + Integer.toHexString(run.exceptionErrorCode()) + "; " + registers());
            default:
                return new Exit.InternalError("unexpected " + KvmExitReport.exitName(reason) + "; " + registers());
        }
    }

    // Port I/O: one exit carries `count` elements (string I/O), up to a page, in the run mapping at data_offset.
    private Exit handleIo() {
        int port = run.ioPort();
        int size = run.ioSize();
        int count = run.ioCount();
        long offset = run.ioDataOffset();
        if ((size != 1 && size != 2 && size != 4) || count < 0 || offset < 0
                || offset + (long) count * size > runSize) {
            return new Exit.InternalError("malformed KVM_EXIT_IO: port " + Integer.toHexString(port) + " size "
                    + size + " count " + count + " offset " + offset);
        }
        int at = (int) offset;
        if (run.ioDirection() == KvmRunPage.IO_OUT) {
            for (int i = 0; i < count; i++, at += size) {
                int value = switch (size) {
                    case 1 -> runBytes.get(at) & 0xFF;
                    case 2 -> runBytes.getShort(at) & 0xFFFF;
                    default -> runBytes.getInt(at);
                };
                ports.out(port, size, value);
            }
        } else {
            for (int i = 0; i < count; i++, at += size) {
                int value = ports.in(port, size);
                switch (size) {
                    case 1 -> runBytes.put(at, (byte) value);
                    case 2 -> runBytes.putShort(at, (short) value);
                    default -> runBytes.putInt(at, value);
                }
            }
        }
        return null;
    }

    // MMIO: holes and writes to read-only slots. KVM splits accesses at page boundaries, so lengths of 3, 5, 6 or 7
    // bytes occur and are done byte by byte.
    private Exit handleMmio() {
        long address = run.mmioAddress();
        if (!a20) {
            address &= ~KvmMemorySlots.ONE_MIB;
        }
        int length = run.mmioLength();
        if (length < 1 || length > 8) {
            return new Exit.InternalError("malformed KVM_EXIT_MMIO: length " + length + " at 0x"
                    + Long.toHexString(address));
        }
        boolean natural = Integer.bitCount(length) == 1;
        if (run.mmioIsWrite()) {
            long data = run.mmioData();
            if (natural) {
                memory.write(address, length, data);
            } else {
                for (int i = 0; i < length; i++) {
                    memory.write(address + i, 1, data >>> (8 * i));
                }
            }
        } else {
            long value;
            if (natural) {
                value = memory.read(address, length);
            } else {
                value = 0;
                for (int i = 0; i < length; i++) {
                    value |= (memory.read(address + i, 1) & 0xFF) << (8 * i);
                }
            }
            run.setMmioData(value);
        }
        return null;
    }

    private void offerInterrupt() {
        if (!interrupts.hasInterrupt()) {
            run.setRequestInterruptWindow(false);
            return;
        }
        if (mayInject) {
            vcpu.interrupt(interrupts.acknowledge());
            mayInject = false;
            injectionUnconfirmed = true;
            run.setRequestInterruptWindow(false);
        } else {
            run.setRequestInterruptWindow(true);
        }
    }

    private boolean wakeable() {
        if (nmiRaisedWhileHalted && !vcpu.events().nmi().masked()) {
            return true;
        }
        return haltedWithInterruptsEnabled && interrupts.hasInterrupt();
    }

    private void bindThread() {
        Thread current = Thread.currentThread();
        if (current != vcpuThread) {
            vcpuThreadId = ThreadKick.prepareCurrentThread();
            vcpuThread = current;
        }
    }

    @Override
    public void requestExit() {
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            exitRequested = true;
            run.setImmediateExit(true);
            // Pairs with the volatile write of inKvmRun before KVM_RUN: either KVM sees immediate_exit, or we see
            // the vCPU inside KVM_RUN and the signal takes it out.
            VarHandle.fullFence();
            if (inKvmRun) {
                ThreadKick.kick(vcpuThreadId);
            }
        }
    }

    @Override
    public void raiseNmi() {
        vcpu.nmi();
        if (halted) {
            nmiRaisedWhileHalted = true;
        }
    }

    @Override
    public void setA20(boolean enabled) {
        if (enabled != a20) {
            a20 = enabled;
            slots.sync(memory, a20);
        }
    }

    /** Nothing to drop: KVM runs guest code from guest memory itself. */
    @Override
    public void invalidateCode(long physicalAddress, long length) {
    }

    @Override
    public void memoryMapChanged() {
        slots.sync(memory, a20);
    }

    @Override
    public void reset() {
        restoreState(PowerOnState.create(CpuidPolicy.signature(cpuid)));
    }

    /**
     * The state for a snapshot or another executor. If KVM is in the middle of delivering an event (an interrupt
     * injected just before the vCPU was paused), the guest is run on until delivery completes, handling its I/O
     * as usual, so the state is one the registers fully describe.
     *
     * @throws IllegalStateException if the guest shuts down or fails while settling
     */
    @Override
    public CpuState saveState() {
        return capture(settledEvents());
    }

    private CpuState capture(KvmVcpuEvents events) {
        KvmRegs regs = vcpu.regs();
        KvmSregs s = vcpu.sregs();
        KvmDebugRegs debug = vcpu.debugRegs();
        long[] db = debug.db();
        long[] debugRegisters = {db[0], db[1], db[2], db[3], 0, 0, debug.dr6(), debug.dr7()};
        long[] values = vcpu.msrs(PortableMsrs.INDICES);
        SortedMap<Integer, Long> msrs = new TreeMap<>();
        for (int i = 0; i < values.length; i++) {
            msrs.put(PortableMsrs.INDICES[i], values[i]);
        }
        return new CpuState(regs.gprs(), regs.rip(), regs.rflags(),
                KvmCpuState.segment(s.es()), KvmCpuState.segment(s.cs()), KvmCpuState.segment(s.ss()),
                KvmCpuState.segment(s.ds()), KvmCpuState.segment(s.fs()), KvmCpuState.segment(s.gs()),
                KvmCpuState.segment(s.ldt()), KvmCpuState.segment(s.tr()),
                KvmCpuState.table(s.gdt()), KvmCpuState.table(s.idt()),
                s.cr0(), s.cr2(), s.cr3(), s.cr4(), s.efer(), debugRegisters, msrs,
                KvmCpuState.fpu(vcpu.xsave()), halted, KvmCpuState.shadow(events.interrupt().shadow()),
                events.nmi().pending(), events.nmi().masked(), -1);
    }

    private KvmVcpuEvents settledEvents() {
        for (int attempt = 0; attempt < SETTLE_ATTEMPTS; attempt++) {
            KvmVcpuEvents events = vcpu.events();
            if (!events.deliveryInProgress()) {
                return events;
            }
            Exit exit = runSlice();
            if (exit instanceof Exit.Shutdown || exit instanceof Exit.InternalError) {
                throw new IllegalStateException("cannot save CPU state: the guest stopped while an event was being"
                        + " delivered: " + exit);
            }
        }
        throw new IllegalStateException("cannot save CPU state: KVM did not finish delivering an event");
    }

    // One KVM_RUN, cut short by a kick from another thread, with its I/O handled: enough for KVM to deliver an
    // event it has queued (delivery happens on guest entry).
    private Exit runSlice() {
        bindThread();
        int tid = vcpuThreadId;
        var kick = SettleKicker.INSTANCE.schedule(() -> {
            if (inKvmRun) {
                ThreadKick.kick(tid);
            }
        }, SETTLE_KICK_MICROS, TimeUnit.MICROSECONDS);
        inKvmRun = true;
        int errno = vcpu.run();
        inKvmRun = false;
        kick.cancel(false);
        mayInject = run.readyForInterruptInjection();
        if (errno != 0) {
            return null;
        }
        injectionUnconfirmed = false;
        return handleExit(run.exitReason());
    }

    /**
     * Loads a state (from a snapshot or another executor). Rejected with {@link IllegalArgumentException} naming
     * the refusal when KVM cannot take it; the previous state is then put back.
     */
    @Override
    public void restoreState(CpuState state) {
        validate(state);
        // For rollback only: an event KVM is half-way delivering is dropped either way, as the new state replaces it.
        CpuState previous = capture(vcpu.events());
        try {
            apply(state);
        } catch (KvmException e) {
            apply(previous);
            throw new IllegalArgumentException("CPU state refused by KVM: " + e.getMessage(), e);
        }
    }

    /** Architectural checks KVM would otherwise answer with a bare EINVAL. */
    static void validate(CpuState state) {
        long cr0 = state.cr0();
        if ((cr0 & 0x8000_0000L) != 0 && (cr0 & 1) == 0) {
            throw new IllegalArgumentException("invalid CPU state: CR0.PG set without CR0.PE");
        }
        if ((cr0 >>> 32) != 0 || (state.cr4() >>> 32) != 0) {
            throw new IllegalArgumentException("invalid CPU state: reserved upper CR0/CR4 bits set");
        }
        if ((state.cr0() & 0x2000_0000L) != 0 && (cr0 & 0x4000_0000L) == 0) {
            throw new IllegalArgumentException("invalid CPU state: CR0.NW set without CR0.CD");
        }
        for (long dr : new long[] {state.debugRegisters()[6], state.debugRegisters()[7]}) {
            if ((dr >>> 32) != 0) {
                throw new IllegalArgumentException("invalid CPU state: reserved upper DR6/DR7 bits set");
            }
        }
    }

    private void apply(CpuState st) {
        KvmSregs current = vcpu.sregs();
        vcpu.setSregs(new KvmSregs(KvmCpuState.segment(st.cs()), KvmCpuState.segment(st.ds()),
                KvmCpuState.segment(st.es()), KvmCpuState.segment(st.fs()), KvmCpuState.segment(st.gs()),
                KvmCpuState.segment(st.ss()), KvmCpuState.segment(st.tr()), KvmCpuState.segment(st.ldtr()),
                KvmCpuState.table(st.gdtr()), KvmCpuState.table(st.idtr()),
                st.cr0(), st.cr2(), st.cr3(), st.cr4(), current.cr8(), st.efer(), current.apicBase(), new long[4]));
        vcpu.setRegs(new KvmRegs(st.gprs(), st.rip(), st.rflags()));
        vcpu.setXsave(KvmCpuState.xsave(vcpu.xsave(), st.fpu()));
        long[] dr = st.debugRegisters();
        vcpu.setDebugRegs(new KvmDebugRegs(new long[] {dr[0], dr[1], dr[2], dr[3]}, dr[6], dr[7]));
        Map<Integer, Long> msrs = st.msrs();
        int[] indices = new int[msrs.size()];
        long[] values = new long[msrs.size()];
        int i = 0;
        for (Map.Entry<Integer, Long> e : msrs.entrySet()) {
            indices[i] = e.getKey();
            values[i++] = e.getValue();
        }
        if (indices.length > 0) {
            vcpu.setMsrs(indices, values);
        }
        KvmVcpuEvents now = vcpu.events();
        vcpu.setEvents(new KvmVcpuEvents(new KvmVcpuEvents.ExceptionEvent(false, 0, false, false, 0),
                new KvmVcpuEvents.InterruptEvent(false, 0, false, KvmCpuState.kvmShadow(st.interruptShadow())),
                new KvmVcpuEvents.NmiEvent(false, st.nmiPending(), st.nmiBlocked()), 0,
                KvmVcpuEvents.VALID_NMI_PENDING | KvmVcpuEvents.VALID_SHADOW, now.smi(), false, false, 0));
        halted = st.halted();
        haltedWithInterruptsEnabled = (st.rflags() & RFLAGS_IF) != 0;
        nmiRaisedWhileHalted = st.nmiPending();
        mayInject = false;
    }

    /** KVM cannot count retired instructions. */
    @Override
    public long instructionsRetired() {
        return -1;
    }

    private String registers() {
        try {
            return KvmExitReport.registers(vcpu.regs(), vcpu.sregs());
        } catch (KvmException e) {
            return "registers unavailable: " + e.getMessage();
        }
    }

    @Override
    public void close() {
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
        }
        vcpu.close();
        vm.close();
        kvm.close();
    }

    /** One daemon thread for all executors' settling kicks (rare: a pause that caught an event mid-delivery). */
    private static final class SettleKicker {
        static final ScheduledExecutorService INSTANCE = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kvm-settle-kick");
            t.setDaemon(true);
            return t;
        });
    }
}
