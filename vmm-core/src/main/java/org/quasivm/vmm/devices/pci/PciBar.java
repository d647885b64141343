package org.quasivm.vmm.devices.pci;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;

import org.quasivm.exec.memory.MemoryRegion;
import org.quasivm.vmm.bus.AccessWidth;
import org.quasivm.vmm.bus.BusDevice;

/**
 * What one base address register decodes. Sizes are powers of two; the guest learns them by writing all ones
 * (BAR sizing) and places the window where it likes; the board maps it while the command register enables it.
 * Only 32-bit BARs: QuasiVM's devices all fit below 4 GiB.
 */
public sealed interface PciBar {

    /** Bytes decoded, a power of two. */
    int size();

    /** An I/O space window (command bit 0), handled by a register device. Size 4..256. */
    record Io(int size, BusDevice device, AccessWidth width) implements PciBar {
        public Io {
            Objects.requireNonNull(device, "device");
            Objects.requireNonNull(width, "width");
            requirePowerOfTwo(size, 4, 256);
        }
    }

    /** A memory-space window handled by a register device (MMIO registers). Size at least 16 bytes. */
    record Mmio(int size, BusDevice device, boolean prefetchable) implements PciBar {
        public Mmio {
            Objects.requireNonNull(device, "device");
            requirePowerOfTwo(size, 16, 1 << 30);
        }
    }

    /**
     * A memory-space window backed by host memory the CPU accesses directly (a linear framebuffer). The buffer
     * must be direct, little-endian and page aligned ({@code GuestMemory.allocate}); its capacity is the size.
     */
    record Memory(String name, ByteBuffer bytes, boolean prefetchable) implements PciBar {
        public Memory {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(bytes, "bytes");
            if (!bytes.isDirect() || bytes.order() != ByteOrder.LITTLE_ENDIAN) {
                throw new IllegalArgumentException(name + ": BAR memory must be a direct little-endian buffer");
            }
            requirePowerOfTwo(bytes.capacity(), MemoryRegion.PAGE_SIZE, 1 << 30);
        }

        @Override
        public int size() {
            return bytes.capacity();
        }
    }

    private static void requirePowerOfTwo(int size, int min, int max) {
        if (size < min || size > max || Integer.bitCount(size) != 1) {
            throw new IllegalArgumentException("BAR size " + size + " must be a power of two in " + min + ".." + max);
        }
    }
}
