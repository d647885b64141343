package org.quasivm.vmm.machine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.quasivm.exec.state.CpuState;
import org.quasivm.vmm.bus.MmioBus;
import org.quasivm.vmm.memory.PcMemoryMap;
import org.quasivm.vmm.testing.DebianGuests;
import org.quasivm.vmm.testing.ScriptedExecutor;

class LinuxBootLoaderTest {

    /** The Debian i686 kernel the guest-asset builder caches (tests that need it are skipped without it). */

    /** A minimal protocol-2.15 bzImage: 4 setup sectors, then {@code payload} bytes of "kernel". */
    static byte[] syntheticKernel(int payload) {
        byte[] f = new byte[5 * 512 + payload];
        ByteBuffer b = ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN);
        f[0x1F1] = 4;
        b.putShort(0x1FE, (short) 0xAA55);
        b.putInt(0x202, 0x5372_6448);
        b.putShort(0x206, (short) 0x020F);
        f[0x201] = 0x6A; // header ends at 26Ch
        f[0x211] = 0x01;
        b.putInt(0x214, 0x10_0000);
        b.putInt(0x22C, 0x37FF_FFFF);
        b.putInt(0x230, 0x20_0000);
        f[0x234] = 1;
        b.putInt(0x238, 2047);
        b.putLong(0x258, 0x20_0000);
        b.putInt(0x260, 0x40_0000);
        for (int i = 0; i < payload; i++) {
            f[5 * 512 + i] = (byte) (i * 7);
        }
        return f;
    }

    private static PcMemoryMap memory(long ram) {
        return new PcMemoryMap(ram, new byte[64 << 10], new MmioBus());
    }

    @Test
    void parsesTheSetupHeader() {
        BzImage k = BzImage.parse("k", syntheticKernel(8192));
        assertEquals(0x020F, k.protocolVersion());
        assertEquals(0x37FF_FFFFL, k.initrdAddrMax());
        assertEquals(2047, k.commandLineLimit());
        assertEquals(0x20_0000L, k.runtimeStart());
        assertEquals(0x60_0000L, k.memoryEnd());
        assertEquals(8192, k.protectedModeKernel().length);
        assertEquals(0x26C - 0x1F1, k.setupHeader().length);
    }

    @Test
    void refusesWhatIsNotABzImage() {
        byte[] f = syntheticKernel(4096);
        f[0x202] = 'X';
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BzImage.parse("vmlinuz", f));
        assertTrue(e.getMessage().startsWith("vmlinuz: bzImage header"), e.getMessage());
        byte[] z = syntheticKernel(4096);
        z[0x211] = 0;
        assertTrue(assertThrows(IllegalArgumentException.class, () -> BzImage.parse("z", z)).getMessage()
                .contains("zImage"));
        byte[] old = syntheticKernel(4096);
        old[0x206] = 0x01;
        assertTrue(assertThrows(IllegalArgumentException.class, () -> BzImage.parse("o", old)).getMessage()
                .contains("version"));
        assertThrows(IllegalArgumentException.class, () -> BzImage.parse("s", new byte[100]));
    }

    @Test
    void placesKernelInitrdCommandLineAndBootParams() {
        PcMemoryMap mem = memory(64 << 20);
        byte[] initrd = new byte[300_000];
        Arrays.fill(initrd, (byte) 0x5A);
        BzImage kernel = BzImage.parse("k", syntheticKernel(8192));
        LinuxBootLoader.Placement p = LinuxBootLoader.load(new BootFirmware.Linux(kernel, initrd,
                "console=ttyS0 quiet"), mem);
        assertEquals(0x10_0000L, p.kernelAddress());
        assertEquals(0, p.initrdAddress() & 0xFFF);
        assertTrue(p.initrdAddress() + initrd.length <= 64 << 20);
        assertEquals(0x5A, mem.read(p.initrdAddress(), 1));
        assertEquals((byte) (100 * 7), (byte) mem.read(0x10_0000L + 100, 1));
        long bp = LinuxBootLoader.BOOT_PARAMS_ADDRESS;
        assertEquals(0x5372_6448L, mem.read(bp + 0x202, 4));
        assertEquals(0xFF, mem.read(bp + 0x210, 1));
        assertEquals(p.initrdAddress(), mem.read(bp + 0x218, 4));
        assertEquals(initrd.length, mem.read(bp + 0x21C, 4));
        assertEquals(LinuxBootLoader.COMMAND_LINE_ADDRESS, mem.read(bp + 0x228, 4));
        byte[] cmd = new byte[20];
        mem.readBytes(LinuxBootLoader.COMMAND_LINE_ADDRESS, cmd, 0, 20);
        assertEquals("console=ttyS0 quiet\0", new String(cmd));
        assertEquals(5, mem.read(bp + 0x1E8, 1));
        assertEquals(0x10_0000L, mem.read(bp + 0x2D0 + 3 * 20, 8));   // fourth entry: RAM from 1 MiB
        assertEquals(1, mem.read(bp + 0x2D0 + 3 * 20 + 16, 4));
    }

    @Test
    void initrdThatDoesNotFitIsAClearError() {
        PcMemoryMap mem = memory(8 << 20);
        BzImage kernel = BzImage.parse("k", syntheticKernel(8192));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LinuxBootLoader.load(new BootFirmware.Linux(kernel, new byte[4 << 20], ""), mem));
        assertTrue(e.getMessage().contains("initrd"), e.getMessage());
    }

    @Test
    void commandLineLongerThanTheKernelAllowsIsRefused() {
        BzImage kernel = BzImage.parse("k", syntheticKernel(8192));
        assertThrows(IllegalArgumentException.class, () -> LinuxBootLoader.load(
                new BootFirmware.Linux(kernel, null, "x".repeat(3000)), memory(64 << 20)));
    }

    @Test
    void entryStateIsFlatProtectedModeWithEsiAtBootParams() {
        BzImage kernel = BzImage.parse("k", syntheticKernel(8192));
        CpuState s = LinuxBootLoader.entryState(ScriptedExecutor.resetState(0), kernel);
        assertEquals(0x10_0000L, s.rip());
        assertEquals(0x10, s.cs().selector());
        assertEquals(0x18, s.ds().selector());
        assertEquals(0x18, s.ss().selector());
        assertEquals(0xFFFF_FFFF, s.cs().limit());
        assertEquals(1, s.cr0() & 1);
        assertEquals(0, s.rflags() & 0x200);
        assertEquals(LinuxBootLoader.BOOT_PARAMS_ADDRESS, s.gpr(CpuState.RSI));
        assertEquals(0, s.gpr(CpuState.RBX) | s.gpr(CpuState.RBP) | s.gpr(CpuState.RDI));
        assertEquals(LinuxBootLoader.GDT_ADDRESS, s.gdtr().base());
    }

    @Test
    void gdtDescriptorsAreFlat4GiBCodeAndData() {
        ByteBuffer g = ByteBuffer.wrap(LinuxBootLoader.flatGdt()).order(ByteOrder.LITTLE_ENDIAN);
        long code = g.getLong(0x10);
        long data = g.getLong(0x18);
        assertEquals(0xFFFF, code & 0xFFFF);           // limit 15:0
        assertEquals(0xF, (code >>> 48) & 0xF);        // limit 19:16
        assertEquals(0xC, (code >>> 52) & 0xF);        // G, D/B
        assertEquals(0x9B, (code >>> 40) & 0xFF);
        assertEquals(0x93, (data >>> 40) & 0xFF);
    }

    @Test
    void debianKernelLoadsWithItsInitrd() throws IOException {
        Path kernel = DebianGuests.linux().kernel();
        BootFirmware.Linux boot = FirmwareImages.linux(kernel, null, "console=ttyS0");
        assertTrue(boot.kernel().protocolVersion() >= 0x020F);
        PcMemoryMap mem = memory(256 << 20);
        byte[] initrd = new byte[1 << 20];
        LinuxBootLoader.Placement p = LinuxBootLoader.load(new BootFirmware.Linux(boot.kernel(), initrd,
                "console=ttyS0"), mem);
        assertTrue(p.initrdAddress() >= boot.kernel().memoryEnd());
        byte[] file = Files.readAllBytes(kernel);
        int setup = ((file[0x1F1] & 0xFF) + 1) * 512;
        byte[] atOneMiB = new byte[4096];
        mem.readBytes(0x10_0000L, atOneMiB, 0, atOneMiB.length);
        assertArrayEquals(Arrays.copyOfRange(file, setup, setup + 4096), atOneMiB);
    }

    @Test
    void kernelNeedingMoreMemoryThanTheMachineHasIsRefused() throws IOException {
        BootFirmware.Linux boot = FirmwareImages.linux(DebianGuests.linux().kernel(), null, "");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LinuxBootLoader.load(boot, memory(16 << 20)));
        assertTrue(e.getMessage().contains("RAM"), e.getMessage());
    }
}
