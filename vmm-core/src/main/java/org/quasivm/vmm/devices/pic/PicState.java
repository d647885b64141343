package org.quasivm.vmm.devices.pic;

/**
 * One 8259A's registers. {@code inputs} is the level currently on each IR pin (for edge detection and level mode).
 *
 * @param initStep 0 = operational, 1..3 = waiting for ICW2..ICW4
 */
public record PicState(int irr, int imr, int isr, int inputs, int elcr, int priorityAdd, int vectorBase,
                       boolean readIsr, boolean pollPending, boolean specialMask, int initStep, boolean expectIcw4,
                       boolean singleMode, boolean levelTriggeredAll, boolean autoEoi, boolean rotateOnAutoEoi,
                       boolean specialFullyNested) {

    public PicState {
        for (int v : new int[] {irr, imr, isr, inputs, elcr}) {
            if ((v & ~0xFF) != 0) {
                throw new IllegalArgumentException("8259 register out of range: " + Integer.toHexString(v));
            }
        }
        if (priorityAdd < 0 || priorityAdd > 7) {
            throw new IllegalArgumentException("8259 priority rotation out of range: " + priorityAdd);
        }
        if ((vectorBase & ~0xF8) != 0) {
            throw new IllegalArgumentException("8259 vector base must be a multiple of 8 below 256: " + vectorBase);
        }
        if (initStep < 0 || initStep > 3) {
            throw new IllegalArgumentException("8259 initialisation step out of range: " + initStep);
        }
    }

    /** Power-on: all masked off (IMR 0), no vectors programmed, edge triggered. */
    public static PicState initial() {
        return new PicState(0, 0, 0, 0, 0, 0, 0, false, false, false, 0, false, false, false, false, false, false);
    }
}
