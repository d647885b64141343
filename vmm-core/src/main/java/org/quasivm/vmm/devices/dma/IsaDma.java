package org.quasivm.vmm.devices.dma;

import java.util.Objects;

import org.quasivm.vmm.bus.AccessWidth;
import org.quasivm.vmm.machine.BoardPlug;
import org.quasivm.vmm.machine.BoardWiring;
import org.quasivm.vmm.memory.PcMemoryMap;

/**
 * The PC/AT's ISA DMA: two cascaded 8237A controllers (channels 0-3 for bytes at 00h-0Fh, 4-7 for words at
 * C0h-DFh) and the page registers at 81h-8Fh. As a {@link BoardPlug} it maps those ports and resets with the
 * board; devices that use DMA (the floppy controller) take their channel from {@link #channel}.
 */
public final class IsaDma implements BoardPlug {

    public static final int FIRST_PORT = 0x00;
    public static final int SECOND_PORT = 0xC0;

    private PcMemoryMap memory;
    private DmaPageRegisters pages;
    private Dma8237 first;
    private Dma8237 second;

    /** Standalone, on {@code memory} (tests; the plug builds its own when it is plugged in). */
    public static IsaDma on(PcMemoryMap memory) {
        IsaDma dma = new IsaDma();
        dma.build(memory);
        return dma;
    }

    private void build(PcMemoryMap map) {
        this.memory = Objects.requireNonNull(map, "memory");
        this.pages = new DmaPageRegisters();
        this.first = new Dma8237(false, 0, map, pages);
        this.second = new Dma8237(true, 4, map, pages);
    }

    @Override
    public void plugInto(BoardWiring wiring) {
        if (memory != null) {
            throw new IllegalStateException("this DMA controller is already on a board");
        }
        build(wiring.memory());
        wiring.mapIo("dma1", FIRST_PORT, 16, first.registers(), AccessWidth.BYTE);
        wiring.mapIo("dma2", SECOND_PORT, 32, second.registers(), AccessWidth.BYTE);
        wiring.mapIo("dma-page", DmaPageRegisters.BASE_PORT, DmaPageRegisters.LENGTH, pages, AccessWidth.BYTE);
        wiring.onReset(this::reset);
    }

    public void reset() {
        first.reset();
        second.reset();
        pages.reset();
    }

    /** Channel 0-7 (4 is the cascade and never transfers). */
    public DmaChannel channel(int number) {
        Objects.checkIndex(number, 8);
        if (first == null) {
            throw new IllegalStateException("the DMA controller is not on a board yet");
        }
        return number < 4 ? first.channel(number) : second.channel(number - 4);
    }

    /** The first controller's registers (ports 00h-0Fh), for tests and boards built by hand. */
    public org.quasivm.vmm.bus.BusDevice firstRegisters() {
        return first.registers();
    }

    public org.quasivm.vmm.bus.BusDevice secondRegisters() {
        return second.registers();
    }

    public org.quasivm.vmm.bus.BusDevice pageRegisters() {
        return pages;
    }
}
