package org.quasivm.exec.cpu;

import java.util.ArrayDeque;
import java.util.Deque;

import org.quasivm.exec.InterruptSource;
import org.quasivm.exec.PortIo;

/**
 * Just enough of a PC for {@link LinuxBootProbe} to take a kernel to user space: a master 8259 (edge-triggered,
 * IRQ 0 and 4), an 8254 (channel 0 periodic for the tick, channel 2 gated through port 61h for TSC calibration), the
 * CMOS index/data ports, and a 16450 UART at 3F8h with transmit and receive interrupts. Guest time is the CPU's
 * instruction count at 1 GHz. These are test doubles for exercising the CPU; the real devices live in vmm-core.
 */
final class ProbeDevices implements PortIo, InterruptSource {
    private static final long PIT_HZ = 1_193_182;

    final StringBuilder console = new StringBuilder();
    final Deque<Character> input = new ArrayDeque<>();
    long nanos;

    // 8259
    private int vectorBase = 8;
    private int imr = 0xFF;
    private int irr;
    private int isr;
    private int icw;
    private boolean readIsr;
    // 8254
    private final int[] reload = new int[3];
    private final int[] mode = new int[3];
    private final int[] access = new int[3];
    private final long[] start = new long[3];
    private final boolean[] lowNext = new boolean[3];
    private final boolean[] readHighNext = new boolean[3];
    private final int[] latch = new int[3];
    private final boolean[] latched = new boolean[3];
    private boolean timerArmed;
    private long lastTick;
    private int port61;
    private int cmosIndex;
    // UART
    private final int[] uart = new int[8];
    private boolean transmitterEmpty;

    private long pitTicks() {
        return nanos * PIT_HZ / 1_000_000_000L;
    }

    /** Called between slices of execution: raises IRQ 0 for elapsed timer periods and IRQ 4 for the UART. */
    void tick() {
        long now = pitTicks();
        if (timerArmed) {
            long r = reload[0] == 0 ? 65536 : reload[0];
            if (mode[0] == 0) {
                if (now - start[0] >= r) {
                    timerArmed = false;
                    irr |= 1;
                }
            } else if ((now - start[0]) / r > (lastTick - start[0]) / r) {
                irr |= 1;
            }
            lastTick = now;
        }
        if (((uart[1] & 2) != 0 && transmitterEmpty) || ((uart[1] & 1) != 0 && !input.isEmpty())) {
            irr |= 1 << 4;
        }
    }

    @Override
    public boolean hasInterrupt() {
        int p = irr & ~imr;
        return p != 0 && (isr == 0 || Integer.numberOfTrailingZeros(isr) > Integer.numberOfTrailingZeros(p));
    }

    @Override
    public int acknowledge() {
        int i = Integer.numberOfTrailingZeros(irr & ~imr);
        irr &= ~(1 << i);
        isr |= 1 << i;
        return vectorBase + i;
    }

    private int count(int c) {
        long r = reload[c] == 0 ? 65536 : reload[c];
        long elapsed = pitTicks() - start[c];
        if (mode[c] == 0) {
            return (int) ((r - elapsed) & 0xFFFF);
        }
        return (int) (r - elapsed % r);
    }

    @Override
    public int in(int port, int size) {
        switch (port) {
            case 0x20 -> {
                return readIsr ? isr : irr;
            }
            case 0x21 -> {
                return imr;
            }
            case 0x40, 0x41, 0x42 -> {
                int c = port - 0x40;
                int v = latched[c] ? latch[c] : count(c);
                if (access[c] != 3 || readHighNext[c]) {
                    latched[c] = false;
                }
                if (access[c] == 1 || (access[c] == 3 && !readHighNext[c])) {
                    readHighNext[c] = access[c] == 3;
                    return v & 0xFF;
                }
                readHighNext[c] = false;
                return (v >>> 8) & 0xFF;
            }
            case 0x61 -> {
                long r = reload[2] == 0 ? 65536 : reload[2];
                boolean out = pitTicks() - start[2] >= r;
                return (port61 & 0x0F) | (out ? 0x20 : 0);
            }
            case 0x71 -> {
                return switch (cmosIndex & 0x7F) {
                    case 0x0A -> 0x26;
                    case 0x0B -> 0x02;
                    case 0x0D -> 0x80;
                    default -> 0;
                };
            }
            default -> {
                if (port >= 0x3F8 && port < 0x400) {
                    return uartIn(port - 0x3F8);
                }
                return size == 4 ? -1 : (1 << (8 * size)) - 1;
            }
        }
    }

    private int uartIn(int r) {
        boolean dlab = (uart[3] & 0x80) != 0;
        switch (r) {
            case 0 -> {
                return dlab ? uart[0] : input.isEmpty() ? 0 : input.removeFirst();
            }
            case 2 -> {
                if ((uart[1] & 1) != 0 && !input.isEmpty()) {
                    return 0x04;
                }
                if ((uart[1] & 2) != 0 && transmitterEmpty) {
                    transmitterEmpty = false;
                    return 0x02;
                }
                return 0x01;
            }
            case 5 -> {
                return 0x60 | (input.isEmpty() ? 0 : 1);
            }
            case 6 -> {
                return 0xB0;
            }
            default -> {
                return uart[r];
            }
        }
    }

    @Override
    public void out(int port, int size, int value) {
        int v = value & 0xFF;
        switch (port) {
            case 0x20 -> {
                if ((v & 0x10) != 0) {
                    icw = 1;
                    imr = 0;
                    isr = 0;
                    irr = 0;
                } else if ((v & 0x18) == 0x08) {
                    readIsr = (v & 3) == 3;
                } else if ((v & 0xE0) == 0x20 && isr != 0) {
                    isr &= isr - 1;
                } else if ((v & 0xE0) == 0x60) {
                    isr &= ~(1 << (v & 7));
                }
            }
            case 0x21 -> {
                if (icw == 1) {
                    vectorBase = v & 0xF8;
                    icw = 2;
                } else if (icw == 2 || icw == 3) {
                    icw = icw == 2 ? 3 : 0;
                } else {
                    imr = v;
                }
            }
            case 0x43 -> {
                int c = v >>> 6;
                if (c == 3) {
                    return;
                }
                if (((v >>> 4) & 3) == 0) {
                    latch[c] = count(c);
                    latched[c] = true;
                    return;
                }
                access[c] = (v >>> 4) & 3;
                mode[c] = ((v >>> 1) & 7) > 5 ? ((v >>> 1) & 7) - 4 : (v >>> 1) & 7;
                lowNext[c] = false;
                readHighNext[c] = false;
                if (c == 0) {
                    timerArmed = false;
                }
            }
            case 0x40, 0x41, 0x42 -> {
                int c = port - 0x40;
                if (access[c] == 1 || (access[c] == 3 && !lowNext[c])) {
                    reload[c] = (reload[c] & 0xFF00) | v;
                    lowNext[c] = access[c] == 3;
                    if (access[c] == 3) {
                        return;
                    }
                } else {
                    reload[c] = (reload[c] & 0xFF) | (v << 8);
                    lowNext[c] = false;
                }
                start[c] = pitTicks();
                if (c == 0) {
                    timerArmed = true;
                    lastTick = start[c];
                }
            }
            case 0x61 -> {
                if ((v & 1) != 0 && (port61 & 1) == 0) {
                    start[2] = pitTicks();
                }
                port61 = v;
            }
            case 0x70 -> cmosIndex = v;
            default -> {
                if (port >= 0x3F8 && port < 0x400) {
                    int r = port - 0x3F8;
                    if (r == 0 && (uart[3] & 0x80) == 0) {
                        console.append((char) v);
                        transmitterEmpty = true;
                    } else {
                        uart[r] = v;
                        if (r == 1 && (v & 2) != 0) {
                            transmitterEmpty = true;
                        }
                    }
                }
            }
        }
    }
}
