package org.quasivm.vmm.devices.uart;

/**
 * Bytes received on a host thread, waiting for the VM thread. Bounded: a host writer that gets too far ahead
 * blocks (backpressure to the terminal or socket) instead of growing memory or losing bytes.
 */
public final class HostInputQueue {

    private final byte[] ring;
    private int head;
    private int count;
    private boolean closed;

    public HostInputQueue(int capacity) {
        ring = new byte[capacity];
    }

    /** Host thread: adds bytes, waiting while the queue is full. Returns false if the queue was closed. */
    public synchronized boolean put(byte[] data, int offset, int length) throws InterruptedException {
        for (int i = 0; i < length; i++) {
            while (count == ring.length && !closed) {
                wait();
            }
            if (closed) {
                return false;
            }
            ring[(head + count) % ring.length] = data[offset + i];
            count++;
        }
        return true;
    }

    /** VM thread: the next byte, or -1. */
    public synchronized int poll() {
        if (count == 0) {
            return -1;
        }
        int b = ring[head] & 0xFF;
        head = (head + 1) % ring.length;
        count--;
        notifyAll();
        return b;
    }

    public synchronized boolean isEmpty() {
        return count == 0;
    }

    public synchronized void close() {
        closed = true;
        notifyAll();
    }
}
