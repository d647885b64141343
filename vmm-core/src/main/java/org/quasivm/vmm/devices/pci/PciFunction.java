package org.quasivm.vmm.devices.pci;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

import org.quasivm.exec.memory.GuestMemory;
import org.quasivm.exec.memory.MemoryRegion;
import org.quasivm.vmm.bus.IrqLine;

/**
 * One PCI function's 256-byte type 0 configuration space: identity, command/status, BARs with sizing and mapping,
 * the expansion ROM BAR and the INTx pin. Subclasses (a host bridge, the PIIX3, a VGA...) declare BARs and an
 * optional ROM in their constructor, make their own registers (40h-FFh) writable with {@link #setWritable}, set
 * their reset values in {@link #resetDevice()} and react to writes in {@link #configWritten}.
 *
 * <p>Everything here runs on the VM thread. Guest-supplied offsets and sizes are masked, never trusted.
 */
public abstract class PciFunction {

    public static final int CONFIG_SIZE = 256;
    public static final int VENDOR_ID = 0x00;
    public static final int DEVICE_ID = 0x02;
    public static final int COMMAND = 0x04;
    public static final int STATUS = 0x06;
    public static final int REVISION = 0x08;
    public static final int CLASS_CODE = 0x09;
    public static final int CACHE_LINE_SIZE = 0x0C;
    public static final int LATENCY_TIMER = 0x0D;
    public static final int HEADER_TYPE = 0x0E;
    public static final int BAR0 = 0x10;
    public static final int SUBSYSTEM_VENDOR = 0x2C;
    public static final int SUBSYSTEM_ID = 0x2E;
    public static final int ROM_BAR = 0x30;
    public static final int INTERRUPT_LINE = 0x3C;
    public static final int INTERRUPT_PIN = 0x3D;

    public static final int COMMAND_IO = 1;
    public static final int COMMAND_MEMORY = 1 << 1;
    public static final int COMMAND_BUS_MASTER = 1 << 2;
    public static final int COMMAND_PARITY = 1 << 6;
    public static final int COMMAND_SERR = 1 << 8;
    public static final int COMMAND_INTX_DISABLE = 1 << 10;
    public static final int STATUS_INTERRUPT = 1 << 3;
    public static final int HEADER_MULTI_FUNCTION = 0x80;

    public static final int BAR_COUNT = 6;
    private static final int ROM_SLOT = BAR_COUNT;
    private static final int ROM_ENABLE = 1;
    private static final int COMMAND_WRITABLE = COMMAND_IO | COMMAND_MEMORY | COMMAND_BUS_MASTER | COMMAND_PARITY
            | COMMAND_SERR | COMMAND_INTX_DISABLE;
    private static final int STATUS_WRITE_ONE_TO_CLEAR = 0xF900; // error bits 15..11 and 8
    private static final long UNMAPPED = -1;

    private final String name;
    private final PciIdentity identity;
    private final PciBar[] bars = new PciBar[BAR_COUNT];
    private ByteBuffer rom;
    private final byte[] config = new byte[CONFIG_SIZE];
    private final byte[] writeMask = new byte[CONFIG_SIZE];
    private final byte[] clearMask = new byte[CONFIG_SIZE];
    private final byte[] deviceWriteMask = new byte[CONFIG_SIZE];
    private final long[] mappedBase = new long[BAR_COUNT + 1];
    private final MemoryRegion[] mappedRegions = new MemoryRegion[BAR_COUNT + 1];
    private boolean multiFunction;
    private PciAddressSpace space = PciAddressSpace.NONE;
    private IrqLine intx = IrqLine.NONE;
    private boolean intxLevel;

    protected PciFunction(String name, PciIdentity identity) {
        this.name = Objects.requireNonNull(name, "name");
        this.identity = Objects.requireNonNull(identity, "identity");
        Arrays.fill(mappedBase, UNMAPPED);
        initHeader();
    }

    public final String name() {
        return name;
    }

    public final PciIdentity identity() {
        return identity;
    }

    // ---- declarations (constructor time)

    /** Declares BAR {@code index} (0..5). Call from the subclass constructor. */
    protected final void declareBar(int index, PciBar bar) {
        Objects.checkIndex(index, BAR_COUNT);
        bars[index] = Objects.requireNonNull(bar, "bar");
        initHeader();
    }

    /**
     * Declares an expansion ROM (served read-only through the ROM BAR at 30h). Its size is rounded up to a power of
     * two of at least 4 KiB; the padding reads as zero.
     */
    protected final void declareExpansionRom(byte[] image) {
        Objects.requireNonNull(image, "image");
        if (image.length == 0 || image.length > (16 << 20)) {
            throw new IllegalArgumentException(name + ": expansion ROM of " + image.length + " bytes");
        }
        int size = Math.max(MemoryRegion.PAGE_SIZE, Integer.highestOneBit(image.length - 1) << 1);
        ByteBuffer b = GuestMemory.allocate(size);
        b.put(0, image);
        rom = b.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
        // asReadOnlyBuffer of a direct buffer stays direct: MemoryRegion accepts it
        initHeader();
    }

    /** Lets the guest write the bits of {@code mask} in bytes [offset, offset + length) of the device area. */
    protected final void setWritable(int offset, int length, int mask) {
        if (offset < 0x40 || offset + length > CONFIG_SIZE) {
            throw new IllegalArgumentException("device registers live in 40h-FFh: " + Integer.toHexString(offset));
        }
        for (int i = offset; i < offset + length; i++) {
            deviceWriteMask[i] = (byte) mask;
            writeMask[i] = (byte) mask;
        }
    }

    /** Sets header type bit 7: the bus does this when it places other functions in the same slot. */
    final void markMultiFunction() {
        multiFunction = true;
        config[HEADER_TYPE] |= (byte) HEADER_MULTI_FUNCTION;
    }

    // ---- wiring (the bus)

    final void attach(PciAddressSpace addressSpace, IrqLine intxLine) {
        this.space = Objects.requireNonNull(addressSpace, "addressSpace");
        this.intx = Objects.requireNonNull(intxLine, "intxLine");
        reset();
    }

    // ---- guest access

    /** A configuration read of {@code size} (1, 2 or 4) bytes at {@code offset}; never throws. */
    public final int readConfig(int offset, int size) {
        offset &= 0xFF;
        int n = size == 1 ? 1 : size == 2 ? 2 : 4;
        int value = 0;
        for (int i = 0; i < n && offset + i < CONFIG_SIZE; i++) {
            value |= (config[offset + i] & 0xFF) << (8 * i);
        }
        return value;
    }

    /** A configuration write; read-only bits keep their value, write-one-to-clear bits clear. Never throws. */
    public final void writeConfig(int offset, int size, int value) {
        offset &= 0xFF;
        int n = size == 1 ? 1 : size == 2 ? 2 : 4;
        n = Math.min(n, CONFIG_SIZE - offset);
        int oldCommand = readConfig(COMMAND, 2);
        boolean barsTouched = false;
        for (int i = 0; i < n; i++) {
            int at = offset + i;
            int v = (value >>> (8 * i)) & 0xFF;
            int wm = writeMask[at] & 0xFF;
            int old = config[at] & 0xFF;
            int updated = (old & ~wm) | (v & wm);
            updated &= ~(v & clearMask[at] & 0xFF);
            config[at] = (byte) updated;
            if ((at >= BAR0 && at < BAR0 + 4 * BAR_COUNT) || (at >= ROM_BAR && at < ROM_BAR + 4)) {
                barsTouched = true;
            }
        }
        int command = readConfig(COMMAND, 2);
        if (barsTouched || ((command ^ oldCommand) & (COMMAND_IO | COMMAND_MEMORY)) != 0) {
            updateMappings();
        }
        if (((command ^ oldCommand) & COMMAND_INTX_DISABLE) != 0) {
            driveIntx();
        }
        if (offset + n > 0x40) {
            configWritten(offset, n);
        }
    }

    // ---- for subclasses

    /** A device register changed (only called for writes reaching 40h-FFh). */
    protected void configWritten(int offset, int size) {
    }

    /** Sets device registers to their reset values (called at attach and on every reset). */
    protected void resetDevice() {
    }

    protected final int configByte(int offset) {
        return config[offset & 0xFF] & 0xFF;
    }

    protected final int configWord(int offset) {
        return readConfig(offset, 2);
    }

    protected final int configDword(int offset) {
        return readConfig(offset, 4);
    }

    /** Sets config bytes behind the guest's back (reset values, status bits); no side effects. */
    protected final void putConfig(int offset, int size, int value) {
        for (int i = 0; i < size && offset + i < CONFIG_SIZE; i++) {
            config[offset + i] = (byte) (value >>> (8 * i));
        }
    }

    protected final int command() {
        return readConfig(COMMAND, 2);
    }

    /** Drives INTx# (level-sensitive, shared): reflected in status bit 3 and gated by command bit 10. */
    protected final void setInterruptLevel(boolean level) {
        intxLevel = level;
        driveIntx();
    }

    /**
     * Where this function's windows go: for device-specific decoders that are not BARs (the PIIX4's PMBA, say),
     * which map and unmap through the same space and the same collision rules.
     */
    protected final PciAddressSpace addressSpace() {
        return space;
    }

    /** The address BAR {@code index} currently decodes at, or -1 when it does not decode. */
    public final long barAddress(int index) {
        return mappedBase[Objects.checkIndex(index, BAR_COUNT)];
    }

    /** The address the expansion ROM decodes at, or -1. */
    public final long romAddress() {
        return mappedBase[ROM_SLOT];
    }

    // ---- reset and state

    /** PCI reset (RST#): the header returns to its power-on values and every window stops decoding. */
    public final void reset() {
        unmapAll();
        initHeader();
        System.arraycopy(deviceWriteMask, 0x40, writeMask, 0x40, CONFIG_SIZE - 0x40);
        Arrays.fill(config, 0x40, CONFIG_SIZE, (byte) 0);
        intxLevel = false;
        resetDevice();
        driveIntx();
    }

    /** The configuration bytes, for snapshots. */
    public final byte[] configSnapshot() {
        return config.clone();
    }

    /**
     * Restores configuration bytes from a snapshot (untrusted): identity and read-only bits must match this
     * function, then windows are remapped and INTx re-driven from {@code intxAsserted}.
     */
    public final void restoreConfig(byte[] saved, boolean intxAsserted) {
        if (saved == null || saved.length != CONFIG_SIZE) {
            throw new IllegalArgumentException(name + ": PCI config snapshot must be 256 bytes");
        }
        for (int i = 0; i < CONFIG_SIZE; i++) {
            int ro = ~(writeMask[i] | clearMask[i]) & 0xFF;
            if (i >= 0x40 || (i >= STATUS && i < STATUS + 2) || i == HEADER_TYPE) {
                continue; // device registers are validated by the device; status bits are dynamic
            }
            if (((saved[i] ^ config[i]) & ro) != 0) {
                throw new IllegalArgumentException(String.format("%s: PCI config snapshot byte %02xh does not match"
                        + " this device (%02x vs %02x)", name, i, saved[i] & 0xFF, config[i] & 0xFF));
            }
        }
        unmapAll();
        System.arraycopy(saved, 0, config, 0, CONFIG_SIZE);
        config[HEADER_TYPE] = (byte) (multiFunction ? HEADER_MULTI_FUNCTION : 0);
        updateMappings();
        setInterruptLevel(intxAsserted);
    }

    public final boolean interruptAsserted() {
        return intxLevel;
    }

    // ---- internals

    private void initHeader() {
        putConfig(VENDOR_ID, 2, identity.vendorId());
        putConfig(DEVICE_ID, 2, identity.deviceId());
        putConfig(COMMAND, 2, 0);
        putConfig(STATUS, 2, 0);
        putConfig(REVISION, 1, identity.revision());
        putConfig(CLASS_CODE, 3, identity.classCode());
        putConfig(CACHE_LINE_SIZE, 2, 0);
        putConfig(HEADER_TYPE, 1, multiFunction ? HEADER_MULTI_FUNCTION : 0);
        putConfig(0x0F, 1, 0);
        putConfig(SUBSYSTEM_VENDOR, 2, identity.subsystemVendor());
        putConfig(SUBSYSTEM_ID, 2, identity.subsystemId());
        putConfig(INTERRUPT_LINE, 1, 0);
        putConfig(INTERRUPT_PIN, 1, identity.interruptPin());
        Arrays.fill(writeMask, 0, 0x40, (byte) 0);
        Arrays.fill(clearMask, 0, 0x40, (byte) 0);
        putMask(writeMask, COMMAND, 2, COMMAND_WRITABLE);
        putMask(clearMask, STATUS, 2, STATUS_WRITE_ONE_TO_CLEAR);
        putMask(writeMask, CACHE_LINE_SIZE, 2, 0xFFFF);
        putMask(writeMask, INTERRUPT_LINE, 1, 0xFF);
        for (int i = 0; i < BAR_COUNT; i++) {
            int reg = BAR0 + 4 * i;
            PciBar bar = bars[i];
            if (bar == null) {
                putConfig(reg, 4, 0);
                continue;
            }
            int typeBits;
            if (bar instanceof PciBar.Io) {
                typeBits = 0x1;
            } else if (bar instanceof PciBar.Mmio m) {
                typeBits = m.prefetchable() ? 0x8 : 0;
            } else {
                typeBits = ((PciBar.Memory) bar).prefetchable() ? 0x8 : 0;
            }
            putConfig(reg, 4, typeBits);
            int low = bar instanceof PciBar.Io ? 0x3 : 0xF;
            putMask(writeMask, reg, 4, ~(bar.size() - 1) & ~low);
        }
        putConfig(ROM_BAR, 4, 0);
        if (rom != null) {
            putMask(writeMask, ROM_BAR, 4, ~(rom.capacity() - 1) | ROM_ENABLE);
        }
    }

    private static void putMask(byte[] mask, int offset, int size, int value) {
        for (int i = 0; i < size; i++) {
            mask[offset + i] = (byte) (value >>> (8 * i));
        }
    }

    private void updateMappings() {
        int command = command();
        for (int i = 0; i < BAR_COUNT; i++) {
            PciBar bar = bars[i];
            if (bar == null) {
                continue;
            }
            long raw = readConfig(BAR0 + 4 * i, 4) & 0xFFFF_FFFFL;
            long wanted = UNMAPPED;
            if (bar instanceof PciBar.Io) {
                long base = raw & ~0x3L;
                if ((command & COMMAND_IO) != 0 && base != 0 && base + bar.size() <= 0x1_0000L) {
                    wanted = base;
                }
            } else {
                long base = raw & ~0xFL;
                if ((command & COMMAND_MEMORY) != 0 && base != 0 && base + bar.size() <= 0x1_0000_0000L) {
                    wanted = base;
                }
            }
            remap(i, wanted);
        }
        if (rom != null) {
            long raw = readConfig(ROM_BAR, 4) & 0xFFFF_FFFFL;
            long base = raw & ~(long) (rom.capacity() - 1) & 0xFFFF_F800L;
            boolean on = (raw & ROM_ENABLE) != 0 && (command & COMMAND_MEMORY) != 0 && base != 0
                    && base + rom.capacity() <= 0x1_0000_0000L;
            remap(ROM_SLOT, on ? base : UNMAPPED);
        }
    }

    private void remap(int slot, long wanted) {
        if (mappedBase[slot] == wanted) {
            return;
        }
        unmap(slot);
        if (wanted == UNMAPPED) {
            return;
        }
        boolean ok;
        String window = name + (slot == ROM_SLOT ? ".rom" : ".bar" + slot);
        if (slot == ROM_SLOT) {
            MemoryRegion r = new MemoryRegion(window, wanted, rom, true);
            ok = space.mapMemory(r);
            mappedRegions[slot] = ok ? r : null;
        } else {
            PciBar bar = bars[slot];
            if (bar instanceof PciBar.Io io) {
                ok = space.mapIo(window, (int) wanted, io.size(), io.device(), io.width());
            } else if (bar instanceof PciBar.Mmio m) {
                ok = space.mapMmio(window, wanted, m.size(), m.device());
            } else {
                MemoryRegion r = new MemoryRegion(window, wanted, ((PciBar.Memory) bar).bytes(), false);
                ok = space.mapMemory(r);
                mappedRegions[slot] = ok ? r : null;
            }
        }
        mappedBase[slot] = ok ? wanted : UNMAPPED;
    }

    private void unmap(int slot) {
        long base = mappedBase[slot];
        if (base == UNMAPPED) {
            return;
        }
        if (slot == ROM_SLOT) {
            space.unmapMemory(mappedRegions[slot]);
        } else {
            PciBar bar = bars[slot];
            if (bar instanceof PciBar.Io io) {
                space.unmapIo((int) base, io.device());
            } else if (bar instanceof PciBar.Mmio m) {
                space.unmapMmio(base, m.device());
            } else {
                space.unmapMemory(mappedRegions[slot]);
            }
        }
        mappedRegions[slot] = null;
        mappedBase[slot] = UNMAPPED;
    }

    private void unmapAll() {
        for (int slot = 0; slot <= BAR_COUNT; slot++) {
            unmap(slot);
        }
    }

    private void driveIntx() {
        int status = readConfig(STATUS, 2);
        putConfig(STATUS, 2, intxLevel ? status | STATUS_INTERRUPT : status & ~STATUS_INTERRUPT);
        if (identity.interruptPin() != 0) {
            intx.setLevel(intxLevel && (command() & COMMAND_INTX_DISABLE) == 0);
        }
    }

    @Override
    public String toString() {
        return name + " " + identity;
    }
}
