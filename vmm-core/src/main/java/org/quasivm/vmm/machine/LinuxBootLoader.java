package org.quasivm.vmm.machine;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.quasivm.exec.state.CpuState;
import org.quasivm.exec.state.SegmentState;
import org.quasivm.exec.state.TableRegister;
import org.quasivm.vmm.memory.PcMemoryMap;

/**
 * Direct Linux boot through the 32-bit boot protocol, the part a bootloader plays: protected-mode kernel at 1 MiB,
 * initrd as high as the kernel allows below the PCI hole, command line and boot_params ("zero page") with the
 * setup header and an E820 map, a flat GDT with __BOOT_CS = 10h and __BOOT_DS = 18h, and the CPU in protected mode
 * at the kernel's entry with interrupts off and ESI pointing at boot_params.
 */
public final class LinuxBootLoader {

    public static final long GDT_ADDRESS = 0x9000;
    public static final long BOOT_PARAMS_ADDRESS = 0x1_0000;
    public static final long COMMAND_LINE_ADDRESS = 0x2_0000;
    static final int BOOT_PARAMS_SIZE = 4096;
    static final int BOOT_CS = 0x10;
    static final int BOOT_DS = 0x18;

    // boot_params offsets (Documentation/arch/x86/zero-page.rst)
    static final int ALT_MEM_K = 0x1E0;
    static final int E820_ENTRIES = 0x1E8;
    static final int SETUP_HEADER = 0x1F1;
    static final int VID_MODE = 0x1FA;
    static final int TYPE_OF_LOADER = 0x210;
    static final int LOADFLAGS = 0x211;
    static final int RAMDISK_IMAGE = 0x218;
    static final int RAMDISK_SIZE = 0x21C;
    static final int HEAP_END_PTR = 0x224;
    static final int CMD_LINE_PTR = 0x228;
    static final int E820_TABLE = 0x2D0;
    static final int E820_MAX = 128;
    static final int LOADER_UNDEFINED = 0xFF;
    static final int QUIET_FLAG = 0x20;
    static final int CAN_USE_HEAP = 0x80;

    /** Where things went, for logs and tests. */
    public record Placement(long kernelAddress, long kernelBytes, long initrdAddress, long initrdBytes,
                            long commandLineAddress, long bootParamsAddress) { }

    private LinuxBootLoader() {
    }

    /**
     * Writes kernel, initrd, command line, GDT and boot_params into guest memory.
     *
     * @throws IllegalArgumentException when the kernel, initrd and command line do not fit this machine
     */
    public static Placement load(BootFirmware.Linux boot, PcMemoryMap memory) {
        BzImage kernel = boot.kernel();
        byte[] image = kernel.protectedModeKernel();
        long kernelAt = kernel.entryPoint();
        long kernelEnd = kernel.memoryEnd();
        if (kernelEnd > memory.lowRamEnd()) {
            throw new IllegalArgumentException(kernel.name() + ": the kernel needs " + (kernelEnd >> 20)
                    + " MiB of RAM to start; the machine has " + (memory.lowRamEnd() >> 20) + " MiB below 4 GiB");
        }
        byte[] cmdline = boot.commandLine().getBytes(StandardCharsets.US_ASCII);
        if (cmdline.length > kernel.commandLineLimit()) {
            throw new IllegalArgumentException(kernel.name() + ": command line of " + cmdline.length
                    + " bytes exceeds the kernel's limit of " + kernel.commandLineLimit());
        }
        byte[] initrd = boot.initrd();
        long initrdAt = 0;
        long initrdBytes = initrd == null ? 0 : initrd.length;
        if (initrd != null) {
            long top = Math.min(kernel.initrdAddrMax() + 1, memory.lowRamEnd());
            initrdAt = (top - initrdBytes) & ~0xFFFL;
            if (initrdAt < kernelEnd) {
                throw new IllegalArgumentException(String.format("initrd of %d KiB does not fit between the"
                        + " kernel's end (%#x) and %#x: give the machine more memory", initrdBytes >> 10, kernelEnd,
                        top));
            }
        }
        memory.writeBytes(kernelAt, image);
        if (initrd != null) {
            memory.writeBytes(initrdAt, initrd);
        }
        byte[] cmd = new byte[cmdline.length + 1];
        System.arraycopy(cmdline, 0, cmd, 0, cmdline.length);
        memory.writeBytes(COMMAND_LINE_ADDRESS, cmd);
        memory.writeBytes(GDT_ADDRESS, flatGdt());
        memory.writeBytes(BOOT_PARAMS_ADDRESS, bootParams(kernel, memory, initrdAt, initrdBytes));
        return new Placement(kernelAt, image.length, initrdAt, initrdBytes, COMMAND_LINE_ADDRESS,
                BOOT_PARAMS_ADDRESS);
    }

    static byte[] flatGdt() {
        ByteBuffer g = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
        g.putLong(0).putLong(0);
        g.putLong(0x00CF_9B00_0000_FFFFL); // 10h: code, base 0, limit 4 GiB, 32-bit, execute/read, accessed
        g.putLong(0x00CF_9300_0000_FFFFL); // 18h: data, base 0, limit 4 GiB, read/write, accessed
        return g.array();
    }

    private static byte[] bootParams(BzImage kernel, PcMemoryMap memory, long initrdAt, long initrdBytes) {
        ByteBuffer p = ByteBuffer.allocate(BOOT_PARAMS_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        byte[] header = kernel.setupHeader();
        p.put(SETUP_HEADER, header);
        // screen_info stays zero: no video was set up, the kernel uses its dummy console (serial is the console)
        long extendedKiB = Math.min((memory.lowRamEnd() - PcMemoryMap.ONE_MIB) >> 10, 0xFFFF_FFFFL);
        p.putInt(ALT_MEM_K, (int) extendedKiB);
        p.putShort(VID_MODE, (short) 0xFFFF);
        p.put(TYPE_OF_LOADER, (byte) LOADER_UNDEFINED);
        int loadflags = (p.get(LOADFLAGS) & 0xFF) & ~QUIET_FLAG | CAN_USE_HEAP;
        p.put(LOADFLAGS, (byte) loadflags);
        p.putShort(HEAP_END_PTR, (short) 0xFE00);
        p.putInt(RAMDISK_IMAGE, (int) initrdAt);
        p.putInt(RAMDISK_SIZE, (int) initrdBytes);
        p.putInt(CMD_LINE_PTR, (int) COMMAND_LINE_ADDRESS);
        E820Map map = E820Map.forKernel(memory);
        int n = Math.min(map.entries().size(), E820_MAX);
        p.put(E820_ENTRIES, (byte) n);
        byte[] table = map.toBytes();
        p.put(E820_TABLE, table, 0, n * E820Map.ENTRY_BYTES);
        return p.array();
    }

    /**
     * The CPU as the 32-bit boot protocol wants it, derived from the executor's reset state: protected mode, flat
     * __BOOT_CS/__BOOT_DS, EIP at the kernel entry, ESI = boot_params, EBP = EDI = EBX = 0, interrupts off.
     */
    public static CpuState entryState(CpuState reset, BzImage kernel) {
        long[] gprs = reset.gprs();
        Arrays.fill(gprs, 0);
        gprs[CpuState.RSI] = BOOT_PARAMS_ADDRESS;
        gprs[CpuState.RSP] = GDT_ADDRESS - 0x10; // a scratch stack below the GDT; the kernel sets its own
        int flat = SegmentState.P | SegmentState.S | SegmentState.DB | SegmentState.G;
        SegmentState cs = new SegmentState(BOOT_CS, 0, 0xFFFF_FFFF, flat | 0xB);
        SegmentState ds = new SegmentState(BOOT_DS, 0, 0xFFFF_FFFF, flat | 0x3);
        return new CpuState(gprs, kernel.entryPoint(), 0x2, ds, cs, ds, ds, ds, ds, reset.ldtr(), reset.tr(),
                new TableRegister(GDT_ADDRESS, 31), new TableRegister(0, 0), reset.cr0() | 1, 0, 0, 0,
                reset.efer(), reset.debugRegisters(), reset.msrs(), reset.fpu(), false, 0, false, false,
                reset.instructionsRetired());
    }
}
