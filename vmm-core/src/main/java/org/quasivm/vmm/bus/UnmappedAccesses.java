package org.quasivm.vmm.bus;

/**
 * Where accesses to nothing go: reads float to all ones, writes vanish, and both are counted so that a guest poking
 * at hardware we do not model shows up in the logs instead of silently misbehaving.
 */
public final class UnmappedAccesses {

    private long reads;
    private long writes;
    private long lastAddress = -1;

    void countRead(long address) {
        reads++;
        lastAddress = address;
    }

    void countWrite(long address) {
        writes++;
        lastAddress = address;
    }

    public long reads() {
        return reads;
    }

    public long writes() {
        return writes;
    }

    /** The most recent unmapped address touched, or -1. */
    public long lastAddress() {
        return lastAddress;
    }

    @Override
    public String toString() {
        return reads + " reads, " + writes + " writes" + (lastAddress < 0 ? "" : ", last at 0x" + Long.toHexString(lastAddress));
    }
}
