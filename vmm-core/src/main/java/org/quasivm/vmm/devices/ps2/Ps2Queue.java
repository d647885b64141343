package org.quasivm.vmm.devices.ps2;

/** A PS/2 device's output buffer: bytes waiting for the controller, oldest first, bounded. */
final class Ps2Queue {

    private final byte[] ring;
    private int head;
    private int count;

    Ps2Queue(int capacity) {
        ring = new byte[capacity];
    }

    int size() {
        return count;
    }

    int free() {
        return ring.length - count;
    }

    boolean isEmpty() {
        return count == 0;
    }

    /** Adds a byte; returns false (dropping it) when full. */
    boolean add(int b) {
        if (count == ring.length) {
            return false;
        }
        ring[(head + count) % ring.length] = (byte) b;
        count++;
        return true;
    }

    int take() {
        if (count == 0) {
            return -1;
        }
        int b = ring[head] & 0xFF;
        head = (head + 1) % ring.length;
        count--;
        return b;
    }

    void clear() {
        head = 0;
        count = 0;
    }

    byte[] toArray() {
        byte[] out = new byte[count];
        for (int i = 0; i < count; i++) {
            out[i] = ring[(head + i) % ring.length];
        }
        return out;
    }

    void load(byte[] bytes) {
        if (bytes.length > ring.length) {
            throw new IllegalArgumentException("PS/2 queue holds at most " + ring.length + " bytes");
        }
        clear();
        for (byte b : bytes) {
            add(b);
        }
    }
}
