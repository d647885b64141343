package org.quasivm.vmm.devices.fwcfg;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import org.quasivm.vmm.bus.BusDevice;

/**
 * QEMU's firmware configuration device as SeaBIOS reads it (SeaBIOS src/fw/paravirt.c; QEMU docs/specs/fw_cfg):
 * a 16-bit selector at 510h, a byte-wide data port at 511h, and the DMA interface at 514h (big-endian descriptor
 * address, high half at 514h, low half at 518h starting the transfer). Numbered items carry the signature, feature
 * ID, RAM size, CPU counts and friends; named files ("etc/e820", "bootorder", "vgaroms/...") are listed in the
 * file directory (key 19h) and numbered from 20h in name order. Items are read-only: DMA writes fail with the
 * error bit, as for any read-only item on QEMU.
 */
public final class FwCfg {

    public static final int SIGNATURE = 0x0000;
    public static final int ID = 0x0001;
    public static final int UUID = 0x0002;
    public static final int RAM_SIZE = 0x0003;
    public static final int NOGRAPHIC = 0x0004;
    public static final int NB_CPUS = 0x0005;
    public static final int MACHINE_ID = 0x0006;
    public static final int NUMA = 0x000D;
    public static final int BOOT_MENU = 0x000E;
    public static final int MAX_CPUS = 0x000F;
    public static final int FILE_DIR = 0x0019;
    public static final int FILE_FIRST = 0x0020;
    public static final int ACPI_TABLES = 0x8000;
    public static final int SMBIOS_ENTRIES = 0x8001;
    public static final int IRQ0_OVERRIDE = 0x8002;
    public static final int E820_TABLE = 0x8003;

    static final int ENTRY_MASK = 0xBFFF; // bit 14 would select the (unsupported) write channel
    static final int FEATURE_TRADITIONAL = 1;
    static final int FEATURE_DMA = 2;
    static final int DMA_ERROR = 0x01;
    static final int DMA_READ = 0x02;
    static final int DMA_SKIP = 0x04;
    static final int DMA_SELECT = 0x08;
    static final int DMA_WRITE = 0x10;
    static final int FILE_NAME_BYTES = 56;
    /** Largest transfer one DMA descriptor may ask for: bounds the work a guest can request in one OUT. */
    static final long MAX_DMA_LENGTH = 64L << 20;
    private static final byte[] DMA_SIGNATURE = "QEMU CFG".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NO_ITEM = new byte[0];

    private final Map<Integer, byte[]> items = new TreeMap<>();
    private final Map<String, byte[]> files = new TreeMap<>();
    private final FwCfgDma dma;
    private boolean sealed;
    private byte[] current = NO_ITEM;
    private int selector;
    private int offset;
    private long dmaAddress;
    private final byte[] descriptor = new byte[16];
    private final byte[] chunk = new byte[4096];

    public FwCfg(FwCfgDma dma) {
        this.dma = Objects.requireNonNull(dma, "dma");
        put(SIGNATURE, "QEMU".getBytes(StandardCharsets.US_ASCII));
        put(ID, le(FEATURE_TRADITIONAL | FEATURE_DMA, 4));
        put(UUID, new byte[16]);
        put(NOGRAPHIC, le(0, 2));
        put(NB_CPUS, le(1, 2));
        put(MAX_CPUS, le(1, 2));
        put(MACHINE_ID, le(0, 4));
        put(NUMA, le(0, 8));
        put(BOOT_MENU, le(0, 2));
        put(ACPI_TABLES, le(0, 2));
        put(SMBIOS_ENTRIES, le(0, 2));
        put(IRQ0_OVERRIDE, le(1, 4));
        put(E820_TABLE, le(0, 4));
    }

    /** Little-endian encoding of {@code value} in {@code bytes} bytes. */
    public static byte[] le(long value, int bytes) {
        byte[] b = new byte[bytes];
        for (int i = 0; i < bytes; i++) {
            b[i] = (byte) (value >>> (8 * i));
        }
        return b;
    }

    // ---- configuration (before the guest runs)

    /** Sets numbered item {@code key}. */
    public void put(int key, byte[] data) {
        requireOpen();
        if (key >= FILE_FIRST && key < ACPI_TABLES) {
            throw new IllegalArgumentException("keys from 20h are file items: use addFile");
        }
        items.put(key, data.clone());
    }

    /** Adds (or replaces) a named file, e.g. "etc/e820" or "bootorder". */
    public void addFile(String name, byte[] data) {
        requireOpen();
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        if (n.length == 0 || n.length >= FILE_NAME_BYTES) {
            throw new IllegalArgumentException("fw_cfg file name must be 1..55 bytes: " + name);
        }
        files.put(name, data.clone());
    }

    public void setRamSize(long bytes) {
        put(RAM_SIZE, le(bytes, 8));
    }

    public void setCpuCount(int cpus) {
        put(NB_CPUS, le(cpus, 2));
        put(MAX_CPUS, le(cpus, 2));
    }

    /** No display: SeaBIOS then puts its console on COM1. */
    public void setNoGraphic(boolean noGraphic) {
        put(NOGRAPHIC, le(noGraphic ? 1 : 0, 2));
    }

    public void setUuid(byte[] uuid) {
        if (uuid.length != 16) {
            throw new IllegalArgumentException("a UUID is 16 bytes");
        }
        put(UUID, uuid);
    }

    /** Builds the file directory and freezes the item set; the guest may now read. */
    public void seal() {
        if (sealed) {
            return;
        }
        List<Map.Entry<String, byte[]>> sorted = new ArrayList<>(files.entrySet());
        sorted.sort(Map.Entry.comparingByKey(Comparator.naturalOrder()));
        ByteBuffer dir = ByteBuffer.allocate(4 + 64 * sorted.size()).order(ByteOrder.BIG_ENDIAN);
        dir.putInt(sorted.size());
        int key = FILE_FIRST;
        for (Map.Entry<String, byte[]> f : sorted) {
            dir.putInt(f.getValue().length).putShort((short) key).putShort((short) 0);
            byte[] name = Arrays.copyOf(f.getKey().getBytes(StandardCharsets.US_ASCII), FILE_NAME_BYTES);
            dir.put(name);
            items.put(key++, f.getValue());
        }
        items.put(FILE_DIR, dir.array());
        sealed = true;
        select(0);
    }

    private void requireOpen() {
        if (sealed) {
            throw new IllegalStateException("fw_cfg items are fixed once the machine runs");
        }
    }

    /** The key a file got when sealed, or -1. */
    public int fileKey(String name) {
        int key = FILE_FIRST;
        for (String n : files.keySet()) {
            if (n.equals(name)) {
                return key;
            }
            key++;
        }
        return -1;
    }

    // ---- guest side

    /** Ports 510h (selector, offset 0) and 511h (data, offset 1). */
    public BusDevice ioPorts() {
        return new BusDevice() {
            @Override
            public int read(int off, int size) {
                if (off == 0) {
                    return selector;
                }
                int v = 0;
                for (int i = 0; i < size; i++) {
                    v |= nextByte() << (8 * i);
                }
                return v;
            }

            @Override
            public void write(int off, int size, int value) {
                if (off == 0) {
                    select(value & 0xFFFF);
                }
                // the data port is read-only (QEMU dropped writes through it)
            }
        };
    }

    /** Ports 514h-51Bh: the DMA address register (big-endian halves) and "QEMU CFG" on reads. */
    public BusDevice dmaPorts() {
        return new BusDevice() {
            @Override
            public int read(int off, int size) {
                int v = 0;
                for (int i = 0; i < size && off + i < DMA_SIGNATURE.length; i++) {
                    v |= (DMA_SIGNATURE[off + i] & 0xFF) << (8 * i);
                }
                return v;
            }

            @Override
            public void write(int off, int size, int value) {
                if (size != 4) {
                    return;
                }
                long half = Integer.reverseBytes(value) & 0xFFFF_FFFFL; // the register is big-endian
                if (off == 0) {
                    dmaAddress = half << 32;
                } else if (off == 4) {
                    long address = dmaAddress | half;
                    dmaAddress = 0;
                    transfer(address);
                }
            }
        };
    }

    private void select(int key) {
        selector = key;
        offset = 0;
        byte[] item = sealed ? items.get(key & ENTRY_MASK) : null;
        current = item == null ? NO_ITEM : item;
    }

    private int nextByte() {
        if (offset < current.length) {
            return current[offset++] & 0xFF;
        }
        return 0; // past the end (or no such item): zeros
    }

    private void transfer(long address) {
        dma.read(address, descriptor, 0, 16);
        ByteBuffer d = ByteBuffer.wrap(descriptor).order(ByteOrder.BIG_ENDIAN);
        int control = d.getInt(0);
        long length = d.getInt(4) & 0xFFFF_FFFFL;
        long target = d.getLong(8);
        int result = 0;
        if ((control & DMA_SELECT) != 0) {
            select(control >>> 16);
        }
        if ((control & DMA_WRITE) != 0) {
            result = DMA_ERROR; // no item is writable
        } else if ((control & (DMA_READ | DMA_SKIP)) != 0) {
            if (length > MAX_DMA_LENGTH) {
                result = DMA_ERROR;
            } else if ((control & DMA_READ) != 0) {
                copyOut(target, (int) length);
            } else {
                offset = (int) Math.min((long) current.length, offset + length);
            }
        }
        d.putInt(0, result);
        dma.write(address, descriptor, 0, 4);
    }

    private void copyOut(long target, int length) {
        int fromItem = Math.max(0, Math.min(length, current.length - offset));
        if (fromItem > 0) {
            dma.write(target, current, offset, fromItem);
            offset += fromItem;
        }
        Arrays.fill(chunk, (byte) 0);
        for (int done = fromItem; done < length; ) { // past the end of the item: zeros, as QEMU does
            int n = Math.min(chunk.length, length - done);
            dma.write(target + done, chunk, 0, n);
            done += n;
        }
    }

    public FwCfgState state() {
        return new FwCfgState(selector, offset, dmaAddress);
    }

    public void restore(FwCfgState s) {
        select(s.selector());
        offset = Math.min(s.offset(), current.length);
        dmaAddress = s.dmaAddress();
    }

    public void reset() {
        select(0);
        dmaAddress = 0;
    }
}
