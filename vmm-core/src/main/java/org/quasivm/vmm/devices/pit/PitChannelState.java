package org.quasivm.vmm.devices.pit;

/**
 * One 8254 counter.
 *
 * @param mode         0..5
 * @param access       1 = LSB only, 2 = MSB only, 3 = LSB then MSB
 * @param bcd          counting in BCD (modulus 10000) instead of binary (65536)
 * @param count        the initial count in effect, 1..65536 (a programmed 0 means the maximum)
 * @param start        guest time (ns) counting started from {@code count}; for gated-off modes see {@code frozenNanos}
 * @param frozenNanos  -1 while counting; otherwise the elapsed time at which counting was suspended
 * @param gate         the GATE input
 * @param armed        modes 1 and 5: a gate trigger has started the count
 * @param latchedCount value held by a counter latch command, or -1
 * @param latchedBytesLeft bytes of the latched count still to read: 0, 1 (MSB or LSB only) or 2
 * @param latchedStatus status byte held by a read-back command, or -1
 * @param readMsbNext  in LSB-then-MSB access, the next counter read returns the MSB
 * @param writeMsbNext in LSB-then-MSB access, the next counter write is the MSB
 * @param pendingLsb   the LSB written first, waiting for its MSB
 * @param nullCount    a count was written but not yet loaded into the counting element
 */
public record PitChannelState(int mode, int access, boolean bcd, int count, long start, long frozenNanos,
                              boolean gate, boolean armed, int latchedCount, int latchedBytesLeft,
                              int latchedStatus, boolean readMsbNext, boolean writeMsbNext, int pendingLsb,
                              boolean nullCount) {

    public PitChannelState {
        if (mode < 0 || mode > 5) {
            throw new IllegalArgumentException("8254 mode out of range: " + mode);
        }
        if (access < 1 || access > 3) {
            throw new IllegalArgumentException("8254 access mode out of range: " + access);
        }
        if (count < 1 || count > 65536) {
            throw new IllegalArgumentException("8254 count out of range: " + count);
        }
        if (latchedCount < -1 || latchedCount > 0xFFFF || latchedBytesLeft < 0 || latchedBytesLeft > 2) {
            throw new IllegalArgumentException("8254 latch out of range: " + latchedCount);
        }
        if (latchedStatus < -1 || latchedStatus > 0xFF || pendingLsb < 0 || pendingLsb > 0xFF) {
            throw new IllegalArgumentException("8254 status latch out of range: " + latchedStatus);
        }
        if (start < 0 || frozenNanos < -1) {
            throw new IllegalArgumentException("8254 times out of range");
        }
    }

    /** Power-on: unprogrammed (null count, no output events), mode 0, LSB-then-MSB access; counters 0 and 1 have GATE tied high. */
    public static PitChannelState initial(boolean gate) {
        return new PitChannelState(0, 3, false, 65536, 0, -1, gate, false, -1, 0, -1, false, false, 0, true);
    }
}
