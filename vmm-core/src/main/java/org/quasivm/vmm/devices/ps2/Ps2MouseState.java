package org.quasivm.vmm.devices.ps2;

/**
 * A PS/2 mouse.
 *
 * @param output       bytes waiting for the controller
 * @param reporting    stream-mode data reporting enabled (F4h)
 * @param remote       remote mode (F0h) instead of stream mode
 * @param wrap         wrap (echo) mode
 * @param scaling21    2:1 scaling
 * @param resolution   0..3 (1, 2, 4, 8 counts/mm)
 * @param sampleRate   samples per second
 * @param deviceId     0 standard, 3 IntelliMouse (wheel), 4 IntelliMouse Explorer (wheel + buttons 4/5)
 * @param rateHistory  the last three sample rates set, oldest in bits 16-23 (the wheel unlock sequences)
 * @param buttons      bit 0 left, 1 right, 2 middle, 3 fourth, 4 fifth
 * @param dx           motion not yet reported (remote mode), +right
 * @param dy           motion not yet reported, +up
 * @param dz           wheel motion not yet reported, +down
 * @param awaiting     the command whose argument comes next (E8h, F3h), or 0
 * @param lastSent     the last byte sent, for Resend
 */
public record Ps2MouseState(byte[] output, boolean reporting, boolean remote, boolean wrap, boolean scaling21,
                            int resolution, int sampleRate, int deviceId, int rateHistory, int buttons,
                            int dx, int dy, int dz, int awaiting, int lastSent) {

    public static final int QUEUE = 256;

    public Ps2MouseState {
        if (output == null || output.length > QUEUE) {
            throw new IllegalArgumentException("PS/2 mouse queue holds at most " + QUEUE + " bytes");
        }
        if (resolution < 0 || resolution > 3 || sampleRate < 0 || sampleRate > 255
                || (deviceId != 0 && deviceId != 3 && deviceId != 4) || (rateHistory & ~0xFF_FFFF) != 0
                || (buttons & ~0x1F) != 0 || (lastSent & ~0xFF) != 0) {
            throw new IllegalArgumentException("PS/2 mouse register out of range");
        }
        if (awaiting != 0 && awaiting != 0xE8 && awaiting != 0xF3) {
            throw new IllegalArgumentException("PS/2 mouse cannot await an argument for " + awaiting);
        }
        if (Math.abs((long) dx) > 1 << 20 || Math.abs((long) dy) > 1 << 20 || Math.abs((long) dz) > 1 << 20) {
            throw new IllegalArgumentException("PS/2 mouse pending motion out of range");
        }
        output = output.clone();
    }

    @Override
    public byte[] output() {
        return output.clone();
    }

    /** After reset: stream mode, reporting off, 4 counts/mm, 100 samples/s, standard ID. */
    public static Ps2MouseState initial() {
        return new Ps2MouseState(new byte[0], false, false, false, false, 2, 100, 0, 0, 0, 0, 0, 0, 0, 0);
    }
}
