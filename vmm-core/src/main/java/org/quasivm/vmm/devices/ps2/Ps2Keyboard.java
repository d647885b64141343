package org.quasivm.vmm.devices.ps2;

import java.util.Objects;

/**
 * A PS/2 (MF2) keyboard: scan code sets 1 and 2 (set 3 is accepted and reported but keys are sent in set 2),
 * LEDs, typematic settings acknowledged and kept (repeat is the host's job: it sends repeated key-downs), echo,
 * identify, resend, reset with self-test result, defaults, enable/disable scanning.
 */
public final class Ps2Keyboard implements Ps2Device {

    static final int ACK = 0xFA;
    static final int RESEND = 0xFE;
    static final int SELF_TEST_PASSED = 0xAA;
    static final int ECHO = 0xEE;
    static final int SET_LEDS = 0xED;
    static final int SCAN_CODE_SET = 0xF0;
    static final int IDENTIFY = 0xF2;
    static final int TYPEMATIC = 0xF3;
    static final int ENABLE = 0xF4;
    static final int DISABLE = 0xF5;
    static final int DEFAULTS = 0xF6;
    static final int RESET = 0xFF;
    static final int OVERRUN = 0x00;

    private final Ps2Queue output = new Ps2Queue(Ps2KeyboardState.QUEUE);
    private final Runnable outputReady;
    private boolean scanning;
    private int scanCodeSet;
    private int leds;
    private int typematic;
    private int awaiting;
    private int lastSent;

    /** @param outputReady told when bytes are queued (the controller may fill its output buffer) */
    public Ps2Keyboard(Runnable outputReady) {
        this(Ps2KeyboardState.initial(), outputReady);
    }

    private Ps2Keyboard(Ps2KeyboardState s, Runnable outputReady) {
        this.outputReady = Objects.requireNonNull(outputReady, "outputReady");
        load(s);
    }

    public static Ps2Keyboard fromState(Ps2KeyboardState state, Runnable outputReady) {
        return new Ps2Keyboard(Objects.requireNonNull(state, "state"), outputReady);
    }

    public Ps2KeyboardState state() {
        return new Ps2KeyboardState(output.toArray(), scanning, scanCodeSet, leds, typematic, awaiting, lastSent);
    }

    public void reset() {
        load(Ps2KeyboardState.initial());
    }

    private void load(Ps2KeyboardState s) {
        output.load(s.output());
        scanning = s.scanning();
        scanCodeSet = s.scanCodeSet();
        leds = s.leds();
        typematic = s.typematic();
        awaiting = s.awaiting();
        lastSent = s.lastSent();
    }

    /** LED state: bit 0 Scroll Lock, bit 1 Num Lock, bit 2 Caps Lock (for the console to show). */
    public int leds() {
        return leds;
    }

    public int scanCodeSet() {
        return scanCodeSet;
    }

    // ---- host side (VM thread)

    /** Room left for key codes; a key needs at most 8 bytes (Pause). */
    public int room() {
        return output.free();
    }

    /** A key went down (or repeats). Ignored while scanning is disabled. */
    public void keyDown(PcKey key) {
        if (!scanning) {
            return;
        }
        if (key == PcKey.PAUSE) {
            pause();
            return;
        }
        if (key == PcKey.PRINT_SCREEN) {
            if (scanCodeSet == 1) {
                send(0xE0, 0x2A, 0xE0, 0x37);
            } else {
                send(0xE0, 0x12, 0xE0, 0x7C);
            }
            return;
        }
        int code = scanCodeSet == 1 ? key.set1() : key.set2();
        if (key.extended()) {
            send(0xE0, code);
        } else {
            send(code);
        }
    }

    /** A key was released. Pause has no break code. */
    public void keyUp(PcKey key) {
        if (!scanning || key == PcKey.PAUSE) {
            return;
        }
        if (key == PcKey.PRINT_SCREEN) {
            if (scanCodeSet == 1) {
                send(0xE0, 0xB7, 0xE0, 0xAA);
            } else {
                send(0xE0, 0xF0, 0x7C, 0xE0, 0xF0, 0x12);
            }
            return;
        }
        if (scanCodeSet == 1) {
            int code = key.set1() | 0x80;
            if (key.extended()) {
                send(0xE0, code);
            } else {
                send(code);
            }
        } else if (key.extended()) {
            send(0xE0, 0xF0, key.set2());
        } else {
            send(0xF0, key.set2());
        }
    }

    private void pause() {
        if (scanCodeSet == 1) {
            send(0xE1, 0x1D, 0x45, 0xE1, 0x9D, 0xC5);
        } else {
            send(0xE1, 0x14, 0x77, 0xE1, 0xF0, 0x14, 0xF0, 0x77);
        }
    }

    private void send(int... bytes) {
        if (output.free() < bytes.length) {
            // buffer overrun: the keyboard reports it instead of a partial code
            if (output.free() > 0) {
                output.add(scanCodeSet == 1 ? 0xFF : OVERRUN);
            }
        } else {
            for (int b : bytes) {
                output.add(b);
            }
        }
        outputReady.run();
    }

    private void reply(int b) {
        output.add(b);
        lastSent = b;
        outputReady.run();
    }

    // ---- controller side

    @Override
    public boolean hasOutput() {
        return !output.isEmpty();
    }

    @Override
    public int takeOutput() {
        int b = output.take();
        if (b >= 0) {
            lastSent = b;
        }
        return b;
    }

    @Override
    public void receive(int b) {
        b &= 0xFF;
        if (awaiting != 0 && b < 0xED) {
            argument(awaiting, b);
            return;
        }
        awaiting = 0;
        switch (b) {
            case SET_LEDS, SCAN_CODE_SET, TYPEMATIC -> {
                output.clear(); // a command aborts any pending key codes
                awaiting = b;
                reply(ACK);
            }
            case ECHO -> reply(ECHO);
            case IDENTIFY -> {
                reply(ACK);
                reply(0xAB);
                reply(0x83);
            }
            case ENABLE -> {
                output.clear();
                scanning = true;
                reply(ACK);
            }
            case DISABLE -> {
                output.clear();
                scanning = false;
                setDefaults();
                reply(ACK);
            }
            case DEFAULTS -> {
                output.clear();
                setDefaults();
                reply(ACK);
            }
            case RESEND -> reply(lastSent);
            case RESET -> {
                output.clear();
                setDefaults();
                scanning = true;
                leds = 0;
                reply(ACK);
                reply(SELF_TEST_PASSED);
            }
            case 0xF7, 0xF8, 0xF9, 0xFA, 0xFB, 0xFC, 0xFD -> reply(ACK); // set 3 key attributes: accepted
            default -> reply(RESEND); // not a command this keyboard knows
        }
    }

    private void setDefaults() {
        typematic = 0x2B;
        scanCodeSet = 2;
    }

    private void argument(int command, int b) {
        awaiting = 0;
        switch (command) {
            case SET_LEDS -> {
                leds = b & 7;
                reply(ACK);
            }
            case TYPEMATIC -> {
                typematic = b & 0x7F;
                reply(ACK);
            }
            default -> { // scan code set
                if (b == 0) {
                    reply(ACK);
                    reply(scanCodeSet);
                } else if (b <= 3) {
                    scanCodeSet = b;
                    reply(ACK);
                } else {
                    reply(RESEND);
                }
            }
        }
    }
}
