package org.quasivm.vmm.devices.rtc;

import java.util.Arrays;

/**
 * The MC146818's registers and clock.
 *
 * @param cmos            all 128 bytes (time registers hold the last held values; 0Ah-0Dh the control registers)
 * @param index           the selected register (port 70h bits 0-6)
 * @param nmiMasked       port 70h bit 7
 * @param running         the clock counts (divider in normal operation and SET clear)
 * @param epochAtOrigin   RTC seconds (seconds since 1970 of the RTC's own wall clock) at guest time
 *                        {@code originNanos}; seconds tick over at originNanos + k × 1 s
 * @param originNanos     see above
 * @param flagsCheckedAt  guest time of the last register C read (for flags computed on demand)
 */
public record RtcState(byte[] cmos, int index, boolean nmiMasked, boolean running, long epochAtOrigin,
                       long originNanos, long flagsCheckedAt) {

    public static final int SIZE = 128;

    public RtcState {
        if (cmos == null || cmos.length != SIZE) {
            throw new IllegalArgumentException("RTC state needs 128 CMOS bytes");
        }
        if (index < 0 || index >= SIZE) {
            throw new IllegalArgumentException("RTC index out of range: " + index);
        }
        if (flagsCheckedAt < 0) {
            throw new IllegalArgumentException("RTC flag check time must not be negative");
        }
        // an RTC counting past year 9999 is nonsense; refuse rather than overflow later
        if (epochAtOrigin < -62_135_596_800L || epochAtOrigin > 253_402_300_799L) {
            throw new IllegalArgumentException("RTC time out of range: " + epochAtOrigin);
        }
        cmos = cmos.clone();
    }

    @Override
    public byte[] cmos() {
        return cmos.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RtcState s && Arrays.equals(cmos, s.cmos) && index == s.index
                && nmiMasked == s.nmiMasked && running == s.running && epochAtOrigin == s.epochAtOrigin
                && originNanos == s.originNanos && flagsCheckedAt == s.flagsCheckedAt;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(cmos) * 31 + Long.hashCode(epochAtOrigin);
    }
}
