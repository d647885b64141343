package org.quasivm.vmm.devices.fwcfg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.quasivm.vmm.bus.AccessWidth;
import org.quasivm.vmm.bus.IoBus;

class FwCfgTest {

    private final byte[] ram = new byte[1 << 16];
    private final FwCfgDma memory = new FwCfgDma() {
        @Override
        public void read(long address, byte[] target, int offset, int length) {
            for (int i = 0; i < length; i++) {
                long a = address + i;
                target[offset + i] = a >= 0 && a < ram.length ? ram[(int) a] : (byte) 0xFF;
            }
        }

        @Override
        public void write(long address, byte[] source, int offset, int length) {
            for (int i = 0; i < length; i++) {
                long a = address + i;
                if (a >= 0 && a < ram.length) {
                    ram[(int) a] = source[offset + i];
                }
            }
        }
    };
    private final FwCfg fw = new FwCfg(memory);
    private final IoBus io = new IoBus();

    @BeforeEach
    void setUp() {
        fw.setRamSize(256L << 20);
        fw.addFile("etc/e820", new byte[20]);
        fw.addFile("bootorder", "/pci@i0cf8/ide@1,1/drive@0/disk@0\n".getBytes(StandardCharsets.US_ASCII));
        fw.seal();
        io.map("fw_cfg", 0x510, 2, fw.ioPorts(), AccessWidth.ANY);
        io.map("fw_cfg-dma", 0x514, 8, fw.dmaPorts(), AccessWidth.ANY);
    }

    private byte[] readItem(int key, int n) {
        io.out(0x510, 2, key);
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) io.in(0x511, 1);
        }
        return b;
    }

    private void dma(int descriptorAt, int control, int length, long target) {
        ByteBuffer d = ByteBuffer.wrap(ram, descriptorAt, 16).order(ByteOrder.BIG_ENDIAN);
        d.putInt(control).putInt(length).putLong(target);
        io.out(0x514, 4, 0);
        io.out(0x518, 4, Integer.reverseBytes(descriptorAt)); // SeaBIOS: outl(cpu_to_be32(addr))
    }

    private int dmaControl(int descriptorAt) {
        return ByteBuffer.wrap(ram, descriptorAt, 4).order(ByteOrder.BIG_ENDIAN).getInt();
    }

    @Test
    void signatureIsQemu() {
        assertEquals("QEMU", new String(readItem(FwCfg.SIGNATURE, 4), StandardCharsets.US_ASCII));
    }

    @Test
    void featuresAdvertiseDma() {
        assertEquals(3, readItem(FwCfg.ID, 4)[0]);
        assertEquals(0x554D4551, io.in(0x514, 4)); // "QEMU" of "QEMU CFG"
    }

    @Test
    void ramSizeIsLittleEndian() {
        assertEquals(256L << 20, ByteBuffer.wrap(readItem(FwCfg.RAM_SIZE, 8)).order(ByteOrder.LITTLE_ENDIAN)
                .getLong());
    }

    @Test
    void fileDirectoryListsFilesInNameOrder() {
        ByteBuffer dir = ByteBuffer.wrap(readItem(FwCfg.FILE_DIR, 4 + 128));
        assertEquals(2, dir.getInt());
        int size = dir.getInt();
        int key = dir.getShort() & 0xFFFF;
        dir.getShort();
        byte[] name = new byte[56];
        dir.get(name);
        assertEquals("bootorder", new String(name, StandardCharsets.US_ASCII).trim());
        assertEquals(34, size);
        assertEquals(0x20, key);
        assertEquals(0x21, fw.fileKey("etc/e820"));
    }

    @Test
    void readingPastTheEndGivesZeros() {
        byte[] b = readItem(FwCfg.SIGNATURE, 6);
        assertEquals(0, b[4]);
        assertEquals(0, b[5]);
        assertArrayEquals(new byte[4], readItem(0x7777, 4));
    }

    @Test
    void dmaSelectsAndReadsAFile() {
        dma(0x100, (0x20 << 16) | FwCfg.DMA_SELECT | FwCfg.DMA_READ, 9, 0x1000);
        assertEquals("/pci@i0cf", new String(ram, 0x1000, 9, StandardCharsets.US_ASCII));
        assertEquals(0, dmaControl(0x100));
        dma(0x100, FwCfg.DMA_SKIP, 1, 0);
        dma(0x100, FwCfg.DMA_READ, 4, 0x2000);
        assertEquals("/ide", new String(ram, 0x2000, 4, StandardCharsets.US_ASCII));
    }

    @Test
    void dmaPastTheEndZeroFills() {
        Arrays.fill(ram, 0x3000, 0x3010, (byte) 0x55);
        dma(0x100, (FwCfg.SIGNATURE << 16) | FwCfg.DMA_SELECT | FwCfg.DMA_READ, 16, 0x3000);
        assertEquals('Q', ram[0x3000]);
        assertEquals(0, ram[0x300F]);
    }

    @Test
    void dmaWriteFailsWithTheErrorBit() {
        dma(0x100, FwCfg.DMA_WRITE, 4, 0x3000);
        assertEquals(FwCfg.DMA_ERROR, dmaControl(0x100));
    }

    @Test
    void oversizedDmaIsRefused() {
        dma(0x100, FwCfg.DMA_READ, 0x7FFF_FFFF, 0x3000);
        assertEquals(FwCfg.DMA_ERROR, dmaControl(0x100));
    }

    @Test
    void itemsAreFixedOnceSealed() {
        assertThrows(IllegalStateException.class, () -> fw.addFile("late", new byte[1]));
    }

    @Test
    void guestGarbageNeverThrows() {
        Random r = new Random(5);
        for (int i = 0; i < 100_000; i++) {
            int port = 0x510 + r.nextInt(12);
            int size = 1 << r.nextInt(3);
            if (r.nextBoolean()) {
                io.out(port, size, r.nextInt());
            } else {
                io.in(port, size);
            }
            if (i % 100 == 0) {
                ByteBuffer.wrap(ram, 0x100, 16).putInt(r.nextInt()).putInt(r.nextInt()).putLong(r.nextLong());
                io.out(0x518, 4, Integer.reverseBytes(0x100));
            }
        }
    }
}
