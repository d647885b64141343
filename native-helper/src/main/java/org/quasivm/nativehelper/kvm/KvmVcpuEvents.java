package org.quasivm.nativehelper.kvm;

import java.nio.ByteBuffer;

/**
 * struct kvm_vcpu_events (64 bytes): events in flight and the interrupt shadow / NMI blocking state, which
 * registers alone do not capture.
 *
 * @param flags which optional parts are valid on set: {@link #VALID_NMI_PENDING}, {@link #VALID_SHADOW}...
 */
public record KvmVcpuEvents(ExceptionEvent exception, InterruptEvent interrupt, NmiEvent nmi, int sipiVector,
                            int flags, SmiEvent smi, boolean tripleFaultPending, boolean exceptionHasPayload,
                            long exceptionPayload) {

    static final int SIZE = 64;

    public static final int VALID_NMI_PENDING = 0x01;
    public static final int VALID_SIPI_VECTOR = 0x02;
    public static final int VALID_SHADOW = 0x04;
    public static final int VALID_SMM = 0x08;
    public static final int VALID_PAYLOAD = 0x10;
    public static final int VALID_TRIPLE_FAULT = 0x20;

    /** {@link InterruptEvent#shadow()} bits. */
    public static final int SHADOW_MOV_SS = 0x01;
    public static final int SHADOW_STI = 0x02;

    /** An exception being delivered ({@code injected}) or raised and not yet delivered ({@code pending}). */
    public record ExceptionEvent(boolean injected, int nr, boolean hasErrorCode, boolean pending, int errorCode) {
    }

    /** An external or software interrupt being delivered, and the STI / MOV SS shadow. */
    public record InterruptEvent(boolean injected, int nr, boolean soft, int shadow) {
    }

    /** NMI being delivered, raised and waiting, or blocked because a handler runs (until IRET). */
    public record NmiEvent(boolean injected, boolean pending, boolean masked) {
    }

    public record SmiEvent(boolean smm, boolean pending, boolean smmInsideNmi, boolean latchedInit) {
    }

    /** Whether an exception, interrupt or NMI is in the middle of delivery (not describable by registers). */
    public boolean deliveryInProgress() {
        return exception.injected || interrupt.injected || nmi.injected;
    }

    static KvmVcpuEvents read(ByteBuffer b) {
        return new KvmVcpuEvents(
                new ExceptionEvent(b.get(0) != 0, b.get(1) & 0xFF, b.get(2) != 0, b.get(3) != 0, b.getInt(4)),
                new InterruptEvent(b.get(8) != 0, b.get(9) & 0xFF, b.get(10) != 0, b.get(11) & 0xFF),
                new NmiEvent(b.get(12) != 0, b.get(13) != 0, b.get(14) != 0),
                b.getInt(16), b.getInt(20),
                new SmiEvent(b.get(24) != 0, b.get(25) != 0, b.get(26) != 0, b.get(27) != 0),
                b.get(28) != 0, b.get(55) != 0, b.getLong(56));
    }

    void write(ByteBuffer b) {
        for (int i = 0; i < SIZE; i++) {
            b.put(i, (byte) 0);
        }
        b.put(0, flag(exception.injected));
        b.put(1, (byte) exception.nr);
        b.put(2, flag(exception.hasErrorCode));
        b.put(3, flag(exception.pending));
        b.putInt(4, exception.errorCode);
        b.put(8, flag(interrupt.injected));
        b.put(9, (byte) interrupt.nr);
        b.put(10, flag(interrupt.soft));
        b.put(11, (byte) interrupt.shadow);
        b.put(12, flag(nmi.injected));
        b.put(13, flag(nmi.pending));
        b.put(14, flag(nmi.masked));
        b.putInt(16, sipiVector);
        b.putInt(20, flags);
        b.put(24, flag(smi.smm));
        b.put(25, flag(smi.pending));
        b.put(26, flag(smi.smmInsideNmi));
        b.put(27, flag(smi.latchedInit));
        b.put(28, flag(tripleFaultPending));
        b.put(55, flag(exceptionHasPayload));
        b.putLong(56, exceptionPayload);
    }

    private static byte flag(boolean value) {
        return (byte) (value ? 1 : 0);
    }
}
