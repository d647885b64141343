package org.quasivm.vmm.devices.ps2;

/**
 * A PS/2 keyboard.
 *
 * @param output         bytes waiting for the controller
 * @param scanning       sending key codes (F4h/F5h)
 * @param scanCodeSet    1, 2 or 3
 * @param leds           bit 0 Scroll, 1 Num, 2 Caps Lock
 * @param typematic      the last typematic rate/delay byte
 * @param awaiting       the command whose argument byte comes next (EDh, F0h, F3h), or 0
 * @param lastSent       the last byte sent, for Resend (FEh)
 */
public record Ps2KeyboardState(byte[] output, boolean scanning, int scanCodeSet, int leds, int typematic,
                               int awaiting, int lastSent) {

    public static final int QUEUE = 256;

    public Ps2KeyboardState {
        if (output == null || output.length > QUEUE) {
            throw new IllegalArgumentException("PS/2 keyboard queue holds at most " + QUEUE + " bytes");
        }
        if (scanCodeSet < 1 || scanCodeSet > 3) {
            throw new IllegalArgumentException("scan code set out of range: " + scanCodeSet);
        }
        if ((leds & ~7) != 0 || (typematic & ~0x7F) != 0 || (lastSent & ~0xFF) != 0) {
            throw new IllegalArgumentException("PS/2 keyboard register out of range");
        }
        if (awaiting != 0 && awaiting != 0xED && awaiting != 0xF0 && awaiting != 0xF3) {
            throw new IllegalArgumentException("PS/2 keyboard cannot await an argument for " + awaiting);
        }
        output = output.clone();
    }

    @Override
    public byte[] output() {
        return output.clone();
    }

    /** After power-on self test: scanning, set 2, LEDs off, 10.9 cps / 500 ms. */
    public static Ps2KeyboardState initial() {
        return new Ps2KeyboardState(new byte[0], true, 2, 0, 0x2B, 0, 0);
    }
}
