package org.quasivm.vmm.devices.dma;

/**
 * One 8237 channel as a device on the ISA bus sees it (the floppy controller holds channel 2). The device asserts
 * DREQ when it has data to move; the controller calls back {@link Requester#serve} whenever the channel can
 * transfer (unmasked, with DREQ asserted) and the requester moves bytes with {@link #toMemory} or
 * {@link #fromMemory} until it is done or the terminal count is reached.
 */
public interface DmaChannel {

    /** A device waiting for DMA service. */
    @FunctionalInterface
    interface Requester {
        /** The channel can transfer now (VM thread, called from the device's or the guest's register access). */
        void serve(DmaChannel channel);
    }

    /** Asserts or drops DREQ; asserting it serves the requester at once if the channel is unmasked. */
    void request(boolean asserted, Requester requester);

    /** Whether a transfer can happen now (unmasked, a transfer mode the device's direction fits). */
    boolean ready();

    /**
     * Copies bytes from the device into memory (a "write" transfer in 8237 terms) and returns how many moved:
     * fewer than {@code length} when the terminal count was reached, 0 when the channel is masked or programmed
     * for the other direction (verify transfers move nothing but count).
     */
    int toMemory(byte[] source, int offset, int length);

    /** Copies bytes from memory to the device (a "read" transfer); see {@link #toMemory}. */
    int fromMemory(byte[] target, int offset, int length);

    /** Whether the last transfer reached the terminal count (TC): the device ends its operation. */
    boolean terminalCount();
}
