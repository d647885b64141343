package org.quasivm.exec.kvm;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.quasivm.exec.Exit;
import org.quasivm.exec.InterruptSource;
import org.quasivm.exec.Platform;
import org.quasivm.exec.PortIo;
import org.quasivm.exec.memory.GuestMemory;
import org.quasivm.exec.memory.MemoryRegion;
import org.quasivm.exec.memory.PhysicalMemory;

/**
 * Port-I/O exit round trips per second (guest OUT → device model → resume) under {@link KvmExecutor} and under
 * {@code qemu-system-i386 -enable-kvm}, running the same firmware image, interleaved, several times.
 *
 * <p>The guest is a 64 KiB ROM with a reset vector (usable as {@code -bios}): it writes 'S' to port E9h, does N
 * {@code OUT 80h} (a device model on both sides: QEMU's ioport80, here a counter), writes 'E' to E9h and then
 * 0 to F4h (QEMU's isa-debug-exit). Each side's rate is N divided by the time between the 'S' and 'E' markers, so
 * VM creation and process start-up are not counted.
 *
 * <pre>
 * java -cp ... org.quasivm.exec.kvm.PortIoBenchmark [--outs N] [--runs R] [--qemu qemu-system-i386]
 * </pre>
 */
public final class PortIoBenchmark {

    static final int ROM_SIZE = 0x1_0000;
    static final int MARKER_PORT = 0xE9;
    static final int LOOP_PORT = 0x80;
    static final int EXIT_PORT = 0xF4;

    private PortIoBenchmark() {
    }

    /**
     * The benchmark firmware.
     * <pre>
     * F000:0000  FA                cli
     *            BA E9 00          mov dx, 0E9h
     *            B0 53             mov al, 'S'
     *            EE                out dx, al
     *            66 B9 nn nn nn nn mov ecx, N
     * loop:      E6 80             out 80h, al
     *            66 49             dec ecx
     *            75 FA             jnz loop
     *            B0 45             mov al, 'E'
     *            EE                out dx, al
     *            B0 00             mov al, 0
     *            E6 F4             out 0F4h, al
     *            F4                hlt
     *            EB FD             jmp hlt
     * F000:FFF0  EA 00 00 00 F0    jmp F000:0000      (reset vector)
     * </pre>
     */
    static byte[] rom(int outs) {
        if (outs <= 0) {
            throw new IllegalArgumentException("OUT count must be positive: " + outs);
        }
        byte[] code = {
            (byte) 0xFA, (byte) 0xBA, (byte) 0xE9, 0x00, (byte) 0xB0, 'S', (byte) 0xEE,
            0x66, (byte) 0xB9, (byte) outs, (byte) (outs >>> 8), (byte) (outs >>> 16), (byte) (outs >>> 24),
            (byte) 0xE6, (byte) LOOP_PORT, 0x66, 0x49, 0x75, (byte) 0xFA,
            (byte) 0xB0, 'E', (byte) 0xEE, (byte) 0xB0, 0x00, (byte) 0xE6, (byte) EXIT_PORT,
            (byte) 0xF4, (byte) 0xEB, (byte) 0xFD,
        };
        byte[] rom = new byte[ROM_SIZE];
        Arrays.fill(rom, (byte) 0xF4);
        System.arraycopy(code, 0, rom, 0, code.length);
        byte[] reset = {(byte) 0xEA, 0x00, 0x00, 0x00, (byte) 0xF0};
        System.arraycopy(reset, 0, rom, 0xFFF0, reset.length);
        return rom;
    }

    /**
     * One measured run: OUT exits per second between the markers, and the bytes the VM thread allocated per exit
     * over the whole run (-1 when the JVM cannot tell).
     */
    record Run(double exitsPerSecond, long outs, double bytesAllocatedPerExit) {
    }

    /** Runs the firmware under {@link KvmExecutor} with a PC-like map: RAM below 640 KiB, ROM at F0000h and 4 GiB. */
    static Run runQuasiVm(int outs) {
        BenchMachine machine = new BenchMachine(rom(outs));
        try (KvmExecutor kvm = new KvmExecutor(machine.platform())) {
            machine.executor = kvm;
            long allocatedBefore = allocatedBytes();
            Exit exit = kvm.run(Long.MAX_VALUE);
            long allocated = allocatedBytes() - allocatedBefore;
            if (exit != Exit.EXIT_REQUESTED || machine.end == 0) {
                throw new IllegalStateException("benchmark guest under KvmExecutor ended with " + exit);
            }
            if (machine.loopOuts != outs) {
                throw new IllegalStateException("expected " + outs + " OUTs, the device saw " + machine.loopOuts);
            }
            return new Run(outs / ((machine.end - machine.start) / 1e9), outs,
                    allocatedBefore < 0 ? -1 : (double) allocated / outs);
        }
    }

    private static long allocatedBytes() {
        if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean threads
                && threads.isThreadAllocatedMemorySupported()) {
            return threads.getThreadAllocatedBytes(Thread.currentThread().getId());
        }
        return -1;
    }

    /** Runs the same firmware under QEMU with KVM, timing the markers as they arrive on its stdout. */
    static Run runQemu(String qemu, Path romFile, int outs) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(qemu, "-enable-kvm", "-nodefaults", "-display", "none", "-m", "16",
                "-bios", romFile.toString(), "-no-reboot",
                "-chardev", "stdio,id=markers", "-device", "isa-debugcon,iobase=0xe9,chardev=markers",
                "-device", "isa-debug-exit,iobase=0xf4,iosize=1")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        long start = 0;
        long end = 0;
        try (InputStream out = p.getInputStream()) {
            int c;
            while ((c = out.read()) >= 0) {
                if (c == 'S') {
                    start = System.nanoTime();
                } else if (c == 'E') {
                    end = System.nanoTime();
                }
            }
        }
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(qemu + " did not exit");
        }
        if (start == 0 || end == 0) {
            throw new IllegalStateException(qemu + " exited with " + p.exitValue() + " before both markers");
        }
        return new Run(outs / ((end - start) / 1e9), outs, -1);
    }

    public static void main(String[] args) throws Exception {
        int outs = 100_000;
        int runs = 5;
        String qemu = "qemu-system-i386";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--outs" -> outs = Integer.parseInt(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--qemu" -> qemu = args[++i];
                default -> {
                    System.err.println("usage: PortIoBenchmark [--outs N] [--runs R] [--qemu PATH]");
                    System.exit(2);
                }
            }
        }
        Path romFile = Files.createTempFile("quasivm-portio", ".rom");
        try {
            Files.write(romFile, rom(outs));
            runQuasiVm(Math.min(outs, 20_000)); // JIT warm-up of the exit path; not counted
            List<Double> ours = new ArrayList<>();
            List<Double> theirs = new ArrayList<>();
            double allocation = 0;
            System.out.printf("port-I/O exit round trips: %d OUTs per run, %d runs interleaved, load %s%n", outs, runs,
                    loadAverage());
            System.out.printf("%-4s %20s %20s%n", "run", "quasivm-kvm exits/s", "qemu-kvm exits/s");
            for (int r = 0; r < runs; r++) {
                double q;
                double k;
                Run mine;
                if (r % 2 == 0) { // alternate who goes first
                    mine = runQuasiVm(outs);
                    q = runQemu(qemu, romFile, outs).exitsPerSecond();
                } else {
                    q = runQemu(qemu, romFile, outs).exitsPerSecond();
                    mine = runQuasiVm(outs);
                }
                k = mine.exitsPerSecond();
                allocation = Math.max(allocation, mine.bytesAllocatedPerExit());
                ours.add(k);
                theirs.add(q);
                System.out.printf("%-4d %20.0f %20.0f%n", r + 1, k, q);
            }
            double mk = median(ours);
            double mq = median(theirs);
            System.out.printf("median %18.0f %20.0f%n", mk, mq);
            System.out.printf("spread %18s %20s%n", spread(ours), spread(theirs));
            System.out.printf("ratio quasivm/qemu (medians): %.3f (goal >= 0.8)%n", mk / mq);
            System.out.printf("VM thread allocation per exit (worst run): %.3f bytes%n", allocation);
        } finally {
            Files.deleteIfExists(romFile);
        }
    }

    static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static String spread(List<Double> values) {
        double min = values.stream().mapToDouble(Double::doubleValue).min().orElse(0);
        double max = values.stream().mapToDouble(Double::doubleValue).max().orElse(0);
        return String.format("%.0f-%.0f", min, max);
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** The machine around the benchmark firmware: ROM twice, low RAM, three ports. */
    private static final class BenchMachine implements PhysicalMemory, PortIo, InterruptSource {
        private final List<MemoryRegion> regions;
        KvmExecutor executor;
        long start;
        long end;
        long loopOuts;

        BenchMachine(byte[] rom) {
            ByteBuffer romBytes = GuestMemory.allocate(ROM_SIZE);
            romBytes.put(0, rom);
            regions = List.of(
                    new MemoryRegion("ram-low", 0, GuestMemory.allocate(0xA_0000), false),
                    new MemoryRegion("bios-alias", 0xF_0000, romBytes, true),
                    new MemoryRegion("bios", 0x1_0000_0000L - ROM_SIZE, romBytes, true));
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
                case LOOP_PORT -> loopOuts++;
                case MARKER_PORT -> {
                    if (value == 'S') {
                        start = System.nanoTime();
                    } else if (value == 'E') {
                        end = System.nanoTime();
                    }
                }
                case EXIT_PORT -> executor.requestExit();
                default -> { }
            }
        }

        @Override
        public boolean hasInterrupt() {
            return false;
        }

        @Override
        public int acknowledge() {
            throw new IllegalStateException("no interrupts in the benchmark machine");
        }
    }
}
