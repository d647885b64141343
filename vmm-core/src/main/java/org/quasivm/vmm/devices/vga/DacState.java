package org.quasivm.vmm.devices.vga;

/**
 * The DAC: 256 colours of three components ({@code palette[3 * i + c]}, red, green, blue), the pixel mask, the
 * read and write indices with their component counter, the pending write triplet and the last index written.
 */
public record DacState(int[] palette, int pixelMask, int readIndex, int writeIndex, int component,
                       boolean readMode, int[] pendingWrite) {

    public DacState {
        palette = VgaStates.bytes("DAC palette", palette, Dac.ENTRIES * 3);
        pendingWrite = VgaStates.bytes("DAC pending write", pendingWrite, 3);
        VgaStates.range("DAC pixel mask", pixelMask, 0, 0xFF);
        VgaStates.range("DAC read index", readIndex, 0, 0xFF);
        VgaStates.range("DAC write index", writeIndex, 0, 0xFF);
        VgaStates.range("DAC component", component, 0, 2);
    }

    public static DacState initial() {
        return new DacState(new int[Dac.ENTRIES * 3], 0xFF, 0, 0, 0, false, new int[3]);
    }

    @Override
    public int[] palette() {
        return palette.clone();
    }

    @Override
    public int[] pendingWrite() {
        return pendingWrite.clone();
    }
}
