package org.quasivm.vmm.devices.pit;

/**
 * One counter of the 8254 (datasheet 231164), computed from guest time rather than ticked: the count and OUT at
 * any instant follow from when counting started, so nothing runs between accesses.
 */
final class PitChannel {

    static final long HZ = 1_193_182L;
    private static final long NANOS = 1_000_000_000L;

    int mode;
    int access = 3;
    boolean bcd;
    int count = 65536;
    long start;
    long frozenNanos = -1;
    boolean gate;
    boolean armed;
    int latchedCount = -1;
    int latchedBytesLeft;
    int latchedStatus = -1;
    boolean readMsbNext;
    boolean writeMsbNext;
    int pendingLsb;
    boolean nullCount = true;

    void load(PitChannelState s) {
        mode = s.mode();
        access = s.access();
        bcd = s.bcd();
        count = s.count();
        start = s.start();
        frozenNanos = s.frozenNanos();
        gate = s.gate();
        armed = s.armed();
        latchedCount = s.latchedCount();
        latchedBytesLeft = s.latchedCount() < 0 ? 0 : s.latchedBytesLeft();
        latchedStatus = s.latchedStatus();
        readMsbNext = s.readMsbNext();
        writeMsbNext = s.writeMsbNext();
        pendingLsb = s.pendingLsb();
        nullCount = s.nullCount();
        if (bcd && count > 10000) {
            throw new IllegalArgumentException("8254 BCD count above 10000: " + count);
        }
    }

    PitChannelState state() {
        return new PitChannelState(mode, access, bcd, count, start, frozenNanos, gate, armed, latchedCount,
                latchedBytesLeft, latchedStatus, readMsbNext, writeMsbNext, pendingLsb, nullCount);
    }

    // ---- time

    /** Whole input clocks in {@code nanos} (floor), without overflow for any guest uptime. */
    static long ticks(long nanos) {
        return (nanos / NANOS) * HZ + (nanos % NANOS) * HZ / NANOS;
    }

    /** The first instant (ns, rounded up) at which {@code ticks} clocks have elapsed. */
    static long nanosFor(long ticks) {
        long rem = ticks % HZ;
        return (ticks / HZ) * NANOS + (rem * NANOS + HZ - 1) / HZ;
    }

    private long elapsedTicks(long now) {
        long elapsed = frozenNanos >= 0 ? frozenNanos : now - start;
        return elapsed <= 0 ? 0 : ticks(elapsed);
    }

    private boolean gateStopsCounting() {
        return mode == 0 || mode == 2 || mode == 3 || mode == 4;
    }

    private int modulus() {
        return bcd ? 10000 : 65536;
    }

    // ---- outputs

    /** The OUT pin at {@code now}. */
    boolean out(long now) {
        if (nullCount) {
            return mode != 0; // after a control word: mode 0 starts low, every other mode high
        }
        long d = elapsedTicks(now);
        return switch (mode) {
            case 0 -> d >= count;
            case 1 -> !armed || d >= count;
            case 2 -> !gate || d % count != count - 1;
            case 3 -> !gate || d % count < (count + 1) / 2;
            case 4 -> d != count;
            default -> !armed || d != count;
        };
    }

    /** Guest time of OUT's next low-to-high transition after {@code now}, or -1 if none is coming. */
    long nextRisingEdge(long now) {
        if (nullCount || frozenNanos >= 0) {
            return -1;
        }
        long d = elapsedTicks(now);
        long edge;
        switch (mode) {
            case 0 -> edge = d < count ? count : -1;
            case 1 -> edge = armed && d < count ? count : -1;
            case 2, 3 -> edge = gate ? (d / count + 1) * count : -1;
            case 4 -> edge = d <= count ? count + 1L : -1;
            default -> edge = armed && d <= count ? count + 1L : -1;
        }
        return edge < 0 ? -1 : start + nanosFor(edge);
    }

    /** The counting element at {@code now}, as the guest reads it (before BCD encoding), 0..65535. */
    int counterValue(long now) {
        if (nullCount || ((mode == 1 || mode == 5) && !armed)) {
            return count % modulus();
        }
        long d = elapsedTicks(now);
        long value = switch (mode) {
            case 2 -> count - d % count;
            case 3 -> count - (2 * d) % count;
            default -> Math.floorMod(count - d, (long) modulus());
        };
        return (int) (value % modulus());
    }

    // ---- programming

    void writeControl(int controlWord, long now) {
        int m = (controlWord >> 1) & 7;
        mode = m > 5 ? m - 4 : m;
        access = (controlWord >> 4) & 3;
        bcd = (controlWord & 1) != 0;
        nullCount = true;
        armed = false;
        readMsbNext = false;
        writeMsbNext = false;
        latchedCount = -1;
        latchedBytesLeft = 0;
        frozenNanos = -1;
    }

    void writeCounter(int value, long now) {
        value &= 0xFF;
        switch (access) {
            case 1 -> loadCount(value, now);
            case 2 -> loadCount(value << 8, now);
            default -> {
                if (!writeMsbNext) {
                    pendingLsb = value;
                    writeMsbNext = true;
                    if (mode == 0) {
                        nullCount = true; // mode 0: writing the first byte stops the count (OUT low)
                    }
                } else {
                    writeMsbNext = false;
                    loadCount(pendingLsb | value << 8, now);
                }
            }
        }
    }

    private void loadCount(int raw, long now) {
        int n = bcd ? fromBcd(raw) : raw;
        count = n == 0 ? modulus() : n;
        nullCount = false;
        start = now;
        frozenNanos = gateStopsCounting() && !gate ? 0 : -1;
        armed = false;
    }

    private static int fromBcd(int raw) {
        int value = ((raw >> 12) & 0xF) * 1000 + ((raw >> 8) & 0xF) * 100 + ((raw >> 4) & 0xF) * 10 + (raw & 0xF);
        return Math.min(value, 10000); // non-decimal nibbles: undefined on hardware, bounded here
    }

    private static int toBcd(int value) {
        value %= 10000;
        return (value / 1000) << 12 | ((value / 100) % 10) << 8 | ((value / 10) % 10) << 4 | value % 10;
    }

    private int readableCount(long now) {
        int v = counterValue(now);
        return bcd ? toBcd(v) : v & 0xFFFF;
    }

    void latchCount(long now) {
        if (latchedCount < 0) {
            latchedCount = readableCount(now);
            latchedBytesLeft = access == 3 ? 2 : 1;
        }
    }

    void latchStatus(long now) {
        if (latchedStatus < 0) {
            latchedStatus = (out(now) ? 0x80 : 0) | (nullCount ? 0x40 : 0) | access << 4 | mode << 1
                    | (bcd ? 1 : 0);
        }
    }

    int readCounter(long now) {
        if (latchedStatus >= 0) {
            int s = latchedStatus;
            latchedStatus = -1;
            return s;
        }
        if (latchedCount >= 0) {
            int v = latchedCount;
            if (access == 2) {
                latchedCount = -1;
                return v >> 8;
            }
            if (access == 3 && latchedBytesLeft == 2) {
                latchedBytesLeft = 1;
                return v & 0xFF;
            }
            latchedCount = -1;
            latchedBytesLeft = 0;
            return access == 3 ? v >> 8 : v & 0xFF;
        }
        int v = readableCount(now);
        return switch (access) {
            case 1 -> v & 0xFF;
            case 2 -> v >> 8;
            default -> {
                boolean msb = readMsbNext;
                readMsbNext = !readMsbNext;
                yield msb ? v >> 8 : v & 0xFF;
            }
        };
    }

    void setGate(boolean high, long now) {
        if (high == gate) {
            return;
        }
        gate = high;
        if (nullCount) {
            return;
        }
        if (high) {
            switch (mode) {
                case 1, 5 -> { // trigger: (re)start the count
                    start = now;
                    frozenNanos = -1;
                    armed = true;
                }
                case 2, 3 -> { // rising gate reloads the counter
                    start = now;
                    frozenNanos = -1;
                }
                default -> { // modes 0, 4: counting resumes where it stopped
                    if (frozenNanos >= 0) {
                        start = now - frozenNanos;
                        frozenNanos = -1;
                    }
                }
            }
        } else if (gateStopsCounting() && frozenNanos < 0) {
            frozenNanos = Math.max(0, now - start);
        }
    }
}
