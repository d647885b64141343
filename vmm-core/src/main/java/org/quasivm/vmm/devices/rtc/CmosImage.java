package org.quasivm.vmm.devices.rtc;

import java.util.Arrays;

/**
 * What survives power-off in a VM's CMOS: the 128 bytes (the battery-backed RAM and control registers A/B) and how
 * far the guest has set its clock away from the host's.
 *
 * @param bytes         all 128 CMOS bytes
 * @param offsetSeconds RTC time minus host time when saved
 */
public record CmosImage(byte[] bytes, long offsetSeconds) {

    public CmosImage {
        if (bytes == null || bytes.length != RtcState.SIZE) {
            throw new IllegalArgumentException("a CMOS image has 128 bytes");
        }
        bytes = bytes.clone();
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    /** Takes a running RTC's RAM and its offset from {@code hostEpochSeconds}. */
    public static CmosImage of(Rtc146818 rtc, long hostEpochSeconds) {
        byte[] b = new byte[RtcState.SIZE];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) rtc.cmosByte(i);
        }
        return new CmosImage(b, rtc.currentSeconds() - hostEpochSeconds);
    }

    /** Puts the battery-backed bytes (0Eh-7Fh) back into an RTC. */
    public void applyRamTo(Rtc146818 rtc) {
        for (int i = 0x0E; i < RtcState.SIZE; i++) {
            rtc.setCmosByte(i, bytes[i]);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CmosImage c && Arrays.equals(bytes, c.bytes) && offsetSeconds == c.offsetSeconds;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes) * 31 + Long.hashCode(offsetSeconds);
    }
}
