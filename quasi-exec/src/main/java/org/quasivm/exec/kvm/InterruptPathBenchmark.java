package org.quasivm.exec.kvm;

import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import org.quasivm.exec.Exit;
import org.quasivm.exec.InterruptSource;
import org.quasivm.exec.Platform;
import org.quasivm.exec.PortIo;
import org.quasivm.exec.memory.GuestMemory;
import org.quasivm.exec.memory.MemoryRegion;
import org.quasivm.exec.memory.PhysicalMemory;
import org.quasivm.exec.state.CpuState;
import org.quasivm.exec.state.SegmentState;
import org.quasivm.nativehelper.kvm.Kvm;
import org.quasivm.nativehelper.kvm.KvmRegs;
import org.quasivm.nativehelper.kvm.KvmRunPage;
import org.quasivm.nativehelper.kvm.KvmSegment;
import org.quasivm.nativehelper.kvm.KvmSregs;
import org.quasivm.nativehelper.kvm.KvmVcpu;
import org.quasivm.nativehelper.kvm.KvmVm;
import org.quasivm.nativehelper.libc.Errno;
import org.quasivm.nativehelper.libc.HostAddress;

/**
 * The measurement behind "userspace PIC or KVM's in-kernel irqchip" (native-helper/README.md): device interrupts
 * per second for the same guest, with the 8259 pair in user space (KvmExecutor, what QuasiVM ships) and in the
 * kernel (KVM_CREATE_IRQCHIP driven with KVM_IRQ_LINE).
 *
 * <p>The guest programs the PIC (vector base 08h, only IRQ5 unmasked), then N times: {@code OUT 80h} (the device
 * raises IRQ5), spins until the handler has run; the handler EOIs with {@code OUT 20h} and IRETs. Per interrupt the
 * userspace PIC costs two exits (the device's OUT, the EOI) plus the injection; the in-kernel one costs the device's
 * OUT exit and two KVM_IRQ_LINE calls, the EOI stays in the kernel.
 *
 * <pre>
 * java -cp ... org.quasivm.exec.kvm.InterruptPathBenchmark [--interrupts N] [--runs R]
 * </pre>
 */
public final class InterruptPathBenchmark {

    static final int CODE = 0x1000;
    static final int COUNT_OFFSET = 0x6C;
    static final int IRQ = 5;
    static final int VECTOR = 0x08 + IRQ;

    /**
     * Assembled with nasm from this listing (org 1000h).
     * <pre>
     *   cli / xor ax,ax / mov ds,ax / mov ss,ax / mov sp,8000h
     *   mov word [0Dh*4],handler / mov word [0Dh*4+2],0
     *   ICW1 11h to 20h and A0h; ICW2 08h to 21h, 70h to A1h; ICW3 04h to 21h, 02h to A1h; ICW4 01h to both
     *   OCW1: DFh to 21h (IRQ5 only), FFh to A1h
     *   mov al,'S' / out E9h,al / sti / mov ecx,[count]
     * next: out 80h,al
     * spin: cmp byte [flag],0 / je spin / mov byte [flag],0 / dec ecx / jnz next
     *   cli / mov al,'E' / out E9h,al / out F4h,al / hlt
     * handler: mov byte [flag],1 / push ax / mov al,20h / out 20h,al / pop ax / iret
     * flag: db 0 / align 4 / count: dd N
     * </pre>
     */
    static byte[] guest(int interrupts) {
        int[] code = {
            0xfa, 0x31, 0xc0, 0x8e, 0xd8, 0x8e, 0xd0, 0xbc, 0x00, 0x80, 0xc7, 0x06, 0x34, 0x00, 0x5e, 0x10, 0xc7,
            0x06, 0x36, 0x00, 0x00, 0x00, 0xb0, 0x11, 0xe6, 0x20, 0xe6, 0xa0, 0xb0, 0x08, 0xe6, 0x21, 0xb0, 0x70,
            0xe6, 0xa1, 0xb0, 0x04, 0xe6, 0x21, 0xb0, 0x02, 0xe6, 0xa1, 0xb0, 0x01, 0xe6, 0x21, 0xe6, 0xa1, 0xb0,
            0xdf, 0xe6, 0x21, 0xb0, 0xff, 0xe6, 0xa1, 0xb0, 0x53, 0xe6, 0xe9, 0xfb, 0x66, 0x8b, 0x0e, 0x6c, 0x10,
            0xe6, 0x80, 0x80, 0x3e, 0x6a, 0x10, 0x00, 0x74, 0xf9, 0xc6, 0x06, 0x6a, 0x10, 0x00, 0x66, 0x49, 0x75,
            0xee, 0xfa, 0xb0, 0x45, 0xe6, 0xe9, 0xe6, 0xf4, 0xf4, 0xc6, 0x06, 0x6a, 0x10, 0x01, 0x50, 0xb0, 0x20,
            0xe6, 0x20, 0x58, 0xcf, 0x00, 0x90, 0x00, 0x00, 0x00, 0x00,
        };
        byte[] bytes = new byte[code.length];
        for (int i = 0; i < code.length; i++) {
            bytes[i] = (byte) code[i];
        }
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(COUNT_OFFSET, interrupts);
        return bytes;
    }

    private InterruptPathBenchmark() {
    }

    /** Interrupts per second with QuasiVM's userspace PIC path (a minimal 8259 stand-in: raise, INTA, EOI). */
    static double userspacePic(int interrupts) {
        UserspaceMachine m = new UserspaceMachine(guest(interrupts));
        try (KvmExecutor kvm = new KvmExecutor(m.platform())) {
            m.executor = kvm;
            enterRealMode(kvm);
            Exit exit = kvm.run(Long.MAX_VALUE);
            if (exit != Exit.EXIT_REQUESTED || m.delivered != interrupts) {
                throw new IllegalStateException("userspace run ended with " + exit + " after " + m.delivered);
            }
            return interrupts / ((m.end - m.start) / 1e9);
        }
    }

    /** Interrupts per second with KVM's in-kernel PIC, raised by KVM_IRQ_LINE from the OUT 80h exit. */
    static double inKernelPic(int interrupts) {
        ByteBuffer ram = GuestMemory.allocate(64 * 1024);
        ram.put(CODE, guest(interrupts));
        try (Kvm kvm = Kvm.open(); KvmVm vm = kvm.createVm()) {
            vm.setTssAddress(KvmExecutor.TSS_ADDRESS);
            vm.createIrqchip();
            vm.setUserMemoryRegion(0, 0, 0, ram.capacity(), HostAddress.of(ram));
            try (KvmVcpu vcpu = vm.createVcpu(0)) {
                KvmSregs s = vcpu.sregs();
                KvmSegment cs = new KvmSegment(0, 0xFFFF, 0, 0xB, true, 0, false, true, false, false, false, false);
                vcpu.setSregs(s.with(cs, s.ds(), s.es(), s.fs(), s.gs(), s.ss(), s.tr(), s.ldt(), s.gdt(),
                        s.idt(), s.cr0(), s.cr2(), s.cr3(), s.cr4(), s.efer()));
                vcpu.setRegs(new KvmRegs(new long[16], CODE, 2));
                KvmRunPage run = vcpu.runPage();
                long start = 0;
                long raised = 0;
                while (true) {
                    int errno = vcpu.run();
                    if (errno != 0) {
                        throw new IllegalStateException("KVM_RUN: " + Errno.describe(errno));
                    }
                    if (run.exitReason() != KvmRunPage.EXIT_IO) {
                        throw new IllegalStateException("unexpected " + KvmExitReport.exitName(run.exitReason()));
                    }
                    int port = run.ioPort();
                    int value = run.bytes().get((int) run.ioDataOffset()) & 0xFF;
                    if (port == 0x80) {
                        vm.irqLine(IRQ, true); // edge: pulse the line
                        vm.irqLine(IRQ, false);
                        raised++;
                    } else if (port == 0xE9 && value == 'S') {
                        start = System.nanoTime();
                    } else if (port == 0xE9 && value == 'E') {
                        long end = System.nanoTime();
                        if (raised != interrupts) {
                            throw new IllegalStateException("raised " + raised + " of " + interrupts);
                        }
                        return interrupts / ((end - start) / 1e9);
                    }
                }
            }
        } finally {
            Reference.reachabilityFence(ram); // KVM maps it: it must outlive the VM
        }
    }

    /**
     * Median time from {@link KvmExecutor#requestExit()} on another thread to {@code run} returning, with the guest
     * spinning ({@code jmp $}) inside KVM_RUN: how late a timer deadline reaches the machine.
     */
    static double kickLatencyMicros(int samples) throws InterruptedException {
        UserspaceMachine m = new UserspaceMachine(new byte[] {(byte) 0xEB, (byte) 0xFE});
        List<Double> latencies = new ArrayList<>();
        try (KvmExecutor kvm = new KvmExecutor(m.platform())) {
            enterRealMode(kvm);
            for (int i = 0; i < samples; i++) {
                long[] requestedAt = new long[1];
                Thread timer = new Thread(() -> {
                    try {
                        Thread.sleep(2);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    requestedAt[0] = System.nanoTime();
                    kvm.requestExit();
                });
                timer.start();
                Exit exit = kvm.run(Long.MAX_VALUE);
                long returned = System.nanoTime();
                timer.join();
                if (exit != Exit.EXIT_REQUESTED) {
                    throw new IllegalStateException("spin guest ended with " + exit);
                }
                latencies.add((returned - requestedAt[0]) / 1e3);
            }
        }
        return PortIoBenchmark.median(latencies);
    }

    public static void main(String[] args) throws InterruptedException {
        int interrupts = 20_000;
        int runs = 5;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--interrupts" -> interrupts = Integer.parseInt(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                default -> {
                    System.err.println("usage: InterruptPathBenchmark [--interrupts N] [--runs R]");
                    System.exit(2);
                }
            }
        }
        userspacePic(Math.min(interrupts, 5_000)); // JIT warm-up, not counted
        List<Double> user = new ArrayList<>();
        List<Double> kernel = new ArrayList<>();
        System.out.printf("device interrupt round trips: %d per run, %d runs interleaved%n", interrupts, runs);
        System.out.printf("%-4s %22s %22s%n", "run", "userspace PIC irq/s", "in-kernel PIC irq/s");
        for (int r = 0; r < runs; r++) {
            double u = userspacePic(interrupts);
            double k = inKernelPic(interrupts);
            user.add(u);
            kernel.add(k);
            System.out.printf("%-4d %22.0f %22.0f%n", r + 1, u, k);
        }
        double mu = PortIoBenchmark.median(user);
        double mk = PortIoBenchmark.median(kernel);
        System.out.printf("median %20.0f %22.0f%n", mu, mk);
        System.out.printf("cost per interrupt: userspace %.1f us, in-kernel %.1f us%n", 1e6 / mu, 1e6 / mk);
        System.out.printf("exit request to run() returning (guest in KVM_RUN), median of 200: %.1f us%n",
                kickLatencyMicros(200));
    }

    /** Puts the executor in real mode at 0000:1000, the rest as RESET left it. */
    private static void enterRealMode(KvmExecutor kvm) {
        CpuState reset = kvm.saveState();
        SegmentState code = new SegmentState(0, 0, 0xFFFF, SegmentState.P | SegmentState.S | 0xB);
        kvm.restoreState(new CpuState(new long[16], CODE, 2, reset.es(), code, reset.ss(), reset.ds(), reset.fs(),
                reset.gs(), reset.ldtr(), reset.tr(), reset.gdtr(), reset.idtr(), reset.cr0(), 0, 0, 0, 0,
                reset.debugRegisters(), reset.msrs(), reset.fpu(), false, 0, false, false, -1));
    }

    /** RAM with the guest, a device on port 80h that raises IRQ5, and the PIC's INTA/EOI reduced to two flags. */
    private static final class UserspaceMachine implements PhysicalMemory, PortIo, InterruptSource {
        private final List<MemoryRegion> regions;
        KvmExecutor executor;
        boolean requested;
        boolean inService;
        long delivered;
        long start;
        long end;

        UserspaceMachine(byte[] guest) {
            ByteBuffer ram = GuestMemory.allocate(64 * 1024);
            ram.put(CODE, guest);
            regions = List.of(new MemoryRegion("ram", 0, ram, false));
        }

        Platform platform() {
            return new Platform(this, this, this, () -> 0L);
        }

        @Override
        public List<MemoryRegion> regions() {
            return regions;
        }

        @Override
        public long read(long address, int size) {
            return -1L;
        }

        @Override
        public void write(long address, int size, long value) {
        }

        @Override
        public int in(int port, int size) {
            return -1;
        }

        @Override
        public void out(int port, int size, int value) {
            switch (port) {
                case 0x80 -> requested = true;
                case 0x20 -> {
                    if (value == 0x20) {
                        inService = false;
                    }
                }
                case 0xE9 -> {
                    if ((value & 0xFF) == 'S') {
                        start = System.nanoTime();
                    } else if ((value & 0xFF) == 'E') {
                        end = System.nanoTime();
                    }
                }
                case 0xF4 -> executor.requestExit();
                default -> { }
            }
        }

        @Override
        public boolean hasInterrupt() {
            return requested && !inService;
        }

        @Override
        public int acknowledge() {
            requested = false;
            inService = true;
            delivered++;
            return VECTOR;
        }
    }
}
