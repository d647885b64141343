package org.quasivm.vmm.devices.ps2;

/**
 * The keyboard controller.
 *
 * @param commandByte     controller command byte ("CCB": interrupts, SYS flag, port disables, translation)
 * @param outputPort      P2: bit 0 reset (low = reset), bit 1 A20
 * @param outputBuffer    the byte in the output buffer
 * @param outputFull      OBF
 * @param outputFromAux   the output buffer holds a byte from the mouse port
 * @param lastWasCommand  the last write was to the command port (status bit 3)
 * @param awaiting        the controller command whose data byte comes next (60h, D1h-D4h...), or 0
 * @param replies         controller replies not yet in the output buffer (at most 16)
 * @param breakPrefix     translation saw F0h: the next code gets bit 7
 */
public record I8042State(int commandByte, int outputPort, int outputBuffer, boolean outputFull,
                         boolean outputFromAux, boolean lastWasCommand, int awaiting, byte[] replies,
                         boolean breakPrefix) {

    public I8042State {
        if ((commandByte & ~0xFF) != 0 || (outputPort & ~0xFF) != 0 || (outputBuffer & ~0xFF) != 0
                || (awaiting & ~0xFF) != 0) {
            throw new IllegalArgumentException("i8042 register out of range");
        }
        if (replies == null || replies.length > 16) {
            throw new IllegalArgumentException("i8042 reply queue holds at most 16 bytes");
        }
        replies = replies.clone();
    }

    @Override
    public byte[] replies() {
        return replies.clone();
    }

    /** Power-on: both ports' interrupts on, translation on; reset line high, A20 on. */
    public static I8042State initial() {
        return new I8042State(0x43, 0x03, 0, false, false, false, 0, new byte[0], false);
    }
}
