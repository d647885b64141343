package org.quasivm.vmm.devices.vga;

import java.util.Objects;

/**
 * Everything a {@link Vga} is: its registers, latches, retrace bookkeeping and video memory.
 *
 * @param miscOutput     misc output register (3C2h write, 3CCh read)
 * @param featureControl feature control register (3BAh/3DAh write, 3CAh read)
 * @param videoEnable    video subsystem enable register (3C3h)
 * @param latch          the graphics controller's four latched plane bytes, plane 0 in the low byte
 * @param retracesSeen   vertical retraces the guest has been shown
 * @param blanksSeen     horizontal blanks the guest has been shown
 * @param vram           video memory, a power of two from 1 to 256 MiB (planes interleaved in the first 256 KiB)
 */
public record VgaState(int miscOutput, int featureControl, int videoEnable, SequencerState sequencer,
                       CrtcState crtc, GraphicsState graphics, AttributeState attribute, DacState dac,
                       DispiState dispi, int latch, long retracesSeen, long blanksSeen, byte[] vram) {

    public static final int MIN_MEMORY_MIB = 1;
    public static final int MAX_MEMORY_MIB = 256;

    public VgaState {
        VgaStates.range("misc output", miscOutput, 0, 0xFF);
        VgaStates.range("feature control", featureControl, 0, 0xFF);
        VgaStates.range("video enable", videoEnable, 0, 0xFF);
        Objects.requireNonNull(sequencer, "sequencer");
        Objects.requireNonNull(crtc, "crtc");
        Objects.requireNonNull(graphics, "graphics");
        Objects.requireNonNull(attribute, "attribute");
        Objects.requireNonNull(dac, "dac");
        Objects.requireNonNull(dispi, "dispi");
        VgaStates.range("retraces seen", retracesSeen, 0, Long.MAX_VALUE);
        VgaStates.range("blanks seen", blanksSeen, 0, Long.MAX_VALUE);
        Objects.requireNonNull(vram, "vram");
        checkMemorySize(vram.length / (1 << 20));
        if (vram.length % (1 << 20) != 0) {
            throw new IllegalArgumentException("video memory of " + vram.length + " bytes is not whole MiB");
        }
    }

    /** The state at power-on with {@code memoryMiB} of video memory, all of it zero. */
    public static VgaState initial(int memoryMiB) {
        checkMemorySize(memoryMiB);
        return new VgaState(0, 0, 0, SequencerState.initial(), CrtcState.initial(), GraphicsState.initial(),
                AttributeState.initial(), DacState.initial(), DispiState.initial(), 0, 0, 0,
                new byte[memoryMiB << 20]);
    }

    /** Refuses video memory sizes other than a power of two from 1 to 256 MiB (a PCI BAR is a power of two). */
    public static void checkMemorySize(int memoryMiB) {
        if (memoryMiB < MIN_MEMORY_MIB || memoryMiB > MAX_MEMORY_MIB || Integer.bitCount(memoryMiB) != 1) {
            throw new IllegalArgumentException("video memory of " + memoryMiB + " MiB: must be a power of two from "
                    + MIN_MEMORY_MIB + " to " + MAX_MEMORY_MIB + " MiB");
        }
    }

    public int memoryMiB() {
        return vram.length >> 20;
    }
}
