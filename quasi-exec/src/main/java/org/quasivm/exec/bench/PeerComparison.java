package org.quasivm.exec.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import org.quasivm.exec.Exit;
import org.quasivm.exec.InterruptSource;
import org.quasivm.exec.Platform;
import org.quasivm.exec.PortIo;
import org.quasivm.exec.cpu.SoftwareExecutor;
import org.quasivm.exec.memory.GuestMemory;
import org.quasivm.exec.memory.MemoryRegion;
import org.quasivm.exec.memory.PhysicalMemory;

/**
 * The software CPU next to QEMU's TCG on the same guest (docs: BENCHMARKS.md): a 64 KiB firmware image whose reset
 * vector runs {@code n} × 65536 iterations of the integer benchmark loop in real mode and then writes port F4h
 * (QEMU's isa-debug-exit). Both sides run it twice per round, with a short and a long {@code n}; the difference
 * cancels start-up costs. Prints the median MIPS of each side over the rounds and their ratio:
 * {@code PeerComparison [--rounds N] [--qemu PATH]}.
 *
 * <pre>
 * f000:0000  cli / mov ebp, n / o: xor cx, cx
 *            l: add ax, bx / xor si, ax / inc di / mov dx, ax / shr dx, 3 / sub cx, 1 / jnz l
 *            dec ebp / jnz o / mov dx, 0xf4 / xor al, al / out dx, al / hlt / jmp $-1
 * f000:fff0  jmp f000:0000
 * </pre>
 */
public final class PeerComparison {
    static final int EXIT_PORT = 0xF4;
    private static final byte[] CODE = BenchmarkGuest.hex(
            "FA 66BD00000000 31C9 01D8 31C6 47 89C2 C1EA03 83E901 75F1 664D 75EB BAF400 30C0 EE F4 EBFD");
    private static final int COUNT_OFFSET = 3;
    /** Instructions per outer iteration: 65536 × 7 in the loop, then xor, dec, jnz. */
    static final long PER_OUTER = 65536L * 7 + 3;
    private static final long SHORT = 20;
    private static final long LONG = 1500;

    private PeerComparison() {
    }

    /** The firmware image for {@code outer} outer iterations. */
    static byte[] firmware(long outer) {
        byte[] rom = new byte[0x10000];
        Arrays.fill(rom, (byte) 0xF4);
        System.arraycopy(CODE, 0, rom, 0, CODE.length);
        ByteBuffer.wrap(rom).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(COUNT_OFFSET, (int) outer);
        byte[] reset = {(byte) 0xEA, 0, 0, 0, (byte) 0xF0};
        System.arraycopy(reset, 0, rom, 0xFFF0, reset.length);
        return rom;
    }

    /** Runs the firmware on the software CPU; returns nanoseconds until the exit port write. */
    static long runSoftware(byte[] firmware) {
        ByteBuffer rom = GuestMemory.allocate(firmware.length);
        rom.put(0, firmware);
        List<MemoryRegion> regions = List.of(
                new MemoryRegion("ram", 0, GuestMemory.allocate(0xA0000), false),
                new MemoryRegion("bios-alias", 0xF0000, rom, true),
                new MemoryRegion("bios", 0x100000000L - firmware.length, rom, true));
        boolean[] done = {false};
        SoftwareExecutor[] cpu = new SoftwareExecutor[1];
        PhysicalMemory memory = new PhysicalMemory() {
            @Override
            public List<MemoryRegion> regions() {
                return regions;
            }

            @Override
            public long read(long address, int size) {
                return size == 8 ? -1L : (1L << (8 * size)) - 1;
            }

            @Override
            public void write(long address, int size, long value) {
            }
        };
        PortIo ports = new PortIo() {
            @Override
            public int in(int port, int size) {
                return -1;
            }

            @Override
            public void out(int port, int size, int value) {
                if (port == EXIT_PORT) {
                    done[0] = true;
                    cpu[0].requestExit();
                }
            }
        };
        InterruptSource none = new InterruptSource() {
            @Override
            public boolean hasInterrupt() {
                return false;
            }

            @Override
            public int acknowledge() {
                throw new IllegalStateException("no interrupts");
            }
        };
        long start = System.nanoTime();
        cpu[0] = new SoftwareExecutor(new Platform(memory, ports, none, System::nanoTime));
        while (!done[0]) {
            Exit e = cpu[0].run(100_000_000);
            if (e instanceof Exit.Shutdown || e instanceof Exit.Halted) {
                throw new IllegalStateException("benchmark firmware stopped early: " + e);
            }
        }
        return System.nanoTime() - start;
    }

    /** Runs the firmware under {@code qemu-system-i386 -accel tcg}; returns wall-clock nanoseconds. */
    static long runQemu(String qemu, byte[] firmware) throws IOException, InterruptedException {
        Path rom = Files.createTempFile("quasivm-peer", ".bin");
        try {
            Files.write(rom, firmware);
            ProcessBuilder pb = new ProcessBuilder(qemu, "-accel", "tcg", "-bios", rom.toString(), "-display", "none",
                    "-nodefaults", "-no-reboot", "-m", "16", "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04")
                    .redirectErrorStream(true);
            long start = System.nanoTime();
            Process p = pb.start();
            p.getInputStream().readAllBytes();
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IOException(qemu + " did not finish");
            }
            long t = System.nanoTime() - start;
            // isa-debug-exit makes QEMU exit with (value << 1) | 1 = 1.
            if (p.exitValue() != 1) {
                throw new IOException(qemu + " exited with " + p.exitValue() + " instead of the debug-exit status 1");
            }
            return t;
        } finally {
            Files.deleteIfExists(rom);
        }
    }

    private static double median(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        Collections.sort(s);
        return s.get(s.size() / 2);
    }

    public static void main(String[] args) throws Exception {
        int rounds = 3;
        String qemu = "qemu-system-i386";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--qemu" -> qemu = args[++i];
                default -> {
                    System.err.println("peer-comparison: unknown argument " + args[i]);
                    System.exit(2);
                }
            }
        }
        byte[] shortRom = firmware(SHORT);
        byte[] longRom = firmware(LONG);
        double instructions = (LONG - SHORT) * (double) PER_OUTER;
        runSoftware(longRom); // warm-up: JIT-compile the interpreter
        List<Double> ours = new ArrayList<>();
        List<Double> theirs = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            ours.add(instructions / ((runSoftware(longRom) - runSoftware(shortRom)) / 1e3));
            theirs.add(instructions / ((runQemu(qemu, longRom) - runQemu(qemu, shortRom)) / 1e3));
        }
        double a = median(ours);
        double b = median(theirs);
        System.out.printf(Locale.ROOT, "integer loop, real mode, %d rounds (median; min-max)%n", rounds);
        System.out.printf(Locale.ROOT, "  QuasiVM software CPU: %8.1f MIPS  (%.1f-%.1f)%n", a,
                Collections.min(ours), Collections.max(ours));
        System.out.printf(Locale.ROOT, "  QEMU TCG:             %8.1f MIPS  (%.1f-%.1f)%n", b,
                Collections.min(theirs), Collections.max(theirs));
        System.out.printf(Locale.ROOT, "  ratio QuasiVM/QEMU:   %8.3f%n", a / b);
    }
}
