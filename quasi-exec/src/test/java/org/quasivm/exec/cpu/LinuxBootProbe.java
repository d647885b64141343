package org.quasivm.exec.cpu;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeMap;

import org.quasivm.exec.Exit;
import org.quasivm.exec.Platform;
import org.quasivm.exec.memory.GuestMemory;
import org.quasivm.exec.memory.MemoryRegion;
import org.quasivm.exec.memory.PhysicalMemory;
import org.quasivm.exec.state.CpuState;
import org.quasivm.exec.state.FpuState;
import org.quasivm.exec.state.SegmentState;
import org.quasivm.exec.state.TableRegister;

/**
 * A manual end-to-end check of the software CPU (not a unit test: it runs for minutes): boots a Linux bzImage
 * through the 32-bit boot protocol on 128 MiB of RAM and the {@link ProbeDevices} test doubles, types a command
 * line into the serial port once the shell is up, and prints the serial console.
 *
 * <pre>
 * java -cp target/test-classes:target/classes:... org.quasivm.exec.cpu.LinuxBootProbe BZIMAGE INITRD [INSTRUCTIONS]
 * </pre>
 * Verified with Debian 12's linux-image-6.1.0-*-686 and a BusyBox initramfs: the kernel decompresses, boots and runs
 * {@code /bin/sh}, which executes the typed commands.
 */
public final class LinuxBootProbe {
    private static final int RAM = 128 << 20;
    private static final int BOOT_PARAMS = 0x10000;
    private static final int CMDLINE = 0x20000;
    private static final int GDT = 0x1000;
    private static final int INITRD = 0x6000000;
    private static final long SLICE = 20_000;
    private static final String COMMANDS = "echo hello from the guest; uname -m\n";

    private LinuxBootProbe() {
    }

    public static void main(String[] args) throws Exception {
        byte[] kernel = Files.readAllBytes(Path.of(args[0]));
        byte[] initrd = Files.readAllBytes(Path.of(args[1]));
        long budget = args.length > 2 ? Long.parseLong(args[2]) : 12_000_000_000L;
        ByteBuffer ram = GuestMemory.allocate(RAM);
        int setupSectors = kernel[0x1F1] == 0 ? 4 : kernel[0x1F1] & 0xFF;
        int protectedModeOffset = (setupSectors + 1) * 512;
        ram.put(0x100000, kernel, protectedModeOffset, kernel.length - protectedModeOffset);
        // boot_params: the setup header as the image carries it, plus what a boot loader fills in.
        ram.put(BOOT_PARAMS + 0x1F1, kernel, 0x1F1, 0x268 - 0x1F1);
        byte[] cmdline = "console=ttyS0 earlyprintk=serial,ttyS0 nokaslr panic=-1 rdinit=/bin/sh\0".getBytes();
        ram.put(CMDLINE, cmdline);
        ram.put(BOOT_PARAMS + 0x210, (byte) 0xFF);
        ram.put(BOOT_PARAMS + 0x211, (byte) (ram.get(BOOT_PARAMS + 0x211) | 0x81));
        ram.putShort(BOOT_PARAMS + 0x224, (short) 0xFE00);
        ram.putInt(BOOT_PARAMS + 0x228, CMDLINE);
        ram.put(INITRD, initrd);
        ram.putInt(BOOT_PARAMS + 0x218, INITRD);
        ram.putInt(BOOT_PARAMS + 0x21C, initrd.length);
        long[][] e820 = {{0, 0x9FC00, 1}, {0x9FC00, 0x400, 2}, {0xF0000, 0x10000, 2}, {0x100000, RAM - 0x100000, 1}};
        for (int i = 0; i < e820.length; i++) {
            int e = BOOT_PARAMS + 0x2D0 + 20 * i;
            ram.putLong(e, e820[i][0]);
            ram.putLong(e + 8, e820[i][1]);
            ram.putInt(e + 16, (int) e820[i][2]);
        }
        ram.put(BOOT_PARAMS + 0x1E8, (byte) e820.length);
        ram.order(ByteOrder.LITTLE_ENDIAN).putLong(GDT + 0x10, 0x00CF9A000000FFFFL);
        ram.putLong(GDT + 0x18, 0x00CF92000000FFFFL);

        List<MemoryRegion> regions = List.of(new MemoryRegion("ram", 0, ram, false));
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
        ProbeDevices devices = new ProbeDevices();
        SoftwareExecutor cpu = new SoftwareExecutor(new Platform(memory, devices, devices, () -> devices.nanos));
        long[] gprs = new long[16];
        gprs[CpuState.RSI] = BOOT_PARAMS;
        SegmentState cs = new SegmentState(0x10, 0, 0xFFFFFFFF, 0xC09B);
        SegmentState ds = new SegmentState(0x18, 0, 0xFFFFFFFF, 0xC093);
        cpu.restoreState(new CpuState(gprs, 0x100000, 2, ds, cs, ds, ds, ds, ds,
                new SegmentState(0, 0, 0, SegmentState.UNUSABLE), new SegmentState(0, 0, 0x67, 0x8B),
                new TableRegister(GDT, 0x1F), new TableRegister(0, 0), 0x60000011L, 0, 0, 0, 0,
                new long[] {0, 0, 0, 0, 0, 0, 0xFFFF0FF0L, 0x400}, new TreeMap<>(), FpuState.powerOn(), false, 0,
                false, false, 0));
        long started = System.nanoTime();
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long cpuStarted = threads.getCurrentThreadCpuTime();
        boolean typed = false;
        int printed = 0;
        Exit exit = null;
        while (cpu.instructionsRetired() < budget) {
            long before = cpu.instructionsRetired();
            exit = cpu.run(SLICE);
            devices.nanos += exit instanceof Exit.Halted ? 100_000 : cpu.instructionsRetired() - before;
            devices.tick();
            if (exit instanceof Exit.Shutdown) {
                break;
            }
            String out = devices.console.toString();
            System.out.print(out.substring(printed));
            printed = out.length();
            if (!typed && out.contains("# ")) {
                COMMANDS.chars().forEach(ch -> devices.input.add((char) ch));
                typed = true;
            }
            int echoed = typed ? out.indexOf(COMMANDS.strip()) : -1;
            if (echoed >= 0 && out.indexOf("# ", echoed + COMMANDS.length()) >= 0) {
                break;
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        double cpuSeconds = (threads.getCurrentThreadCpuTime() - cpuStarted) / 1e9;
        System.out.printf("%n[probe] %s after %d instructions, %.1f s wall (%.1f MIPS), %.1f s CPU (%.1f MIPS)%n",
                exit, cpu.instructionsRetired(), seconds, cpu.instructionsRetired() / seconds / 1e6, cpuSeconds,
                cpu.instructionsRetired() / cpuSeconds / 1e6);
    }
}
