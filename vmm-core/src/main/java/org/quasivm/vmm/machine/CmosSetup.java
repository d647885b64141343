package org.quasivm.vmm.machine;

import java.util.List;

import org.quasivm.vmm.devices.rtc.Rtc146818;
import org.quasivm.vmm.memory.PcMemoryMap;

/**
 * The CMOS bytes firmware reads on a QEMU-compatible PC (as QEMU's pc.c sets them): base and extended memory,
 * memory above 16 MiB and above 4 GiB in 64 KiB units, equipment, CPU count, boot order, and the standard checksum.
 */
final class CmosSetup {

    static final int FLOPPY_TYPES = 0x10;
    static final int DISK_TYPES = 0x12;
    static final int EQUIPMENT = 0x14;
    static final int BASE_MEMORY = 0x15;
    static final int EXTENDED_MEMORY = 0x17;
    static final int CHECKSUM = 0x2E;
    static final int EXTENDED_MEMORY_2 = 0x30;
    static final int MEMORY_ABOVE_16M = 0x34;
    static final int BOOT_ORDER_3 = 0x38;
    static final int BOOT_ORDER_1_2 = 0x3D;
    static final int MEMORY_ABOVE_4G = 0x5B;
    static final int CPU_COUNT = 0x5F;

    private CmosSetup() {
    }

    static void fill(Rtc146818 rtc, PcMemoryMap memory, int cpus, List<BootDeviceOrder> bootOrder) {
        rtc.setCmosByte(FLOPPY_TYPES, 0);
        rtc.setCmosByte(DISK_TYPES, 0);
        rtc.setCmosByte(EQUIPMENT, 0x02 | 0x04); // FPU, PS/2 mouse; video 00 = EGA/VGA; no floppies
        word(rtc, BASE_MEMORY, 640);
        long extKiB = Math.min((memory.lowRamEnd() >> 10) - 1024, 0xFFFF);
        word(rtc, EXTENDED_MEMORY, (int) extKiB);
        word(rtc, EXTENDED_MEMORY_2, (int) extKiB);
        long above16 = memory.lowRamEnd() > (16 << 20) ? Math.min((memory.lowRamEnd() - (16 << 20)) >> 16, 0xFFFF) : 0;
        word(rtc, MEMORY_ABOVE_16M, (int) above16);
        long above4g = memory.highRamSize() >> 16;
        rtc.setCmosByte(MEMORY_ABOVE_4G, (int) above4g);
        rtc.setCmosByte(MEMORY_ABOVE_4G + 1, (int) (above4g >> 8));
        rtc.setCmosByte(MEMORY_ABOVE_4G + 2, (int) (above4g >> 16));
        rtc.setCmosByte(CPU_COUNT, cpus - 1);
        int[] codes = new int[3];
        for (int i = 0; i < Math.min(3, bootOrder.size()); i++) {
            codes[i] = bootOrder.get(i).cmosCode();
        }
        rtc.setCmosByte(BOOT_ORDER_1_2, codes[1] << 4 | codes[0]);
        rtc.setCmosByte(BOOT_ORDER_3, codes[2] << 4); // bit 0 clear: check the floppy boot signature
        updateChecksum(rtc);
    }

    /** The checksum over 10h-2Dh at 2Eh (high) and 2Fh (low). */
    static void updateChecksum(Rtc146818 rtc) {
        int sum = 0;
        for (int i = 0x10; i <= 0x2D; i++) {
            sum += rtc.cmosByte(i);
        }
        rtc.setCmosByte(CHECKSUM, sum >> 8);
        rtc.setCmosByte(CHECKSUM + 1, sum);
    }

    private static void word(Rtc146818 rtc, int reg, int value) {
        rtc.setCmosByte(reg, value & 0xFF);
        rtc.setCmosByte(reg + 1, (value >> 8) & 0xFF);
    }
}
