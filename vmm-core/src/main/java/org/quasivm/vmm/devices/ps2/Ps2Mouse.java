package org.quasivm.vmm.devices.ps2;

import java.util.Objects;

/**
 * A PS/2 mouse with the IntelliMouse extensions: stream and remote mode, resolution, sample rate, scaling, wrap
 * mode, status request, and the wheel (ID 3, unlocked by sample rates 200, 100, 80) and five-button wheel (ID 4,
 * 200, 200, 80) protocols. Motion is reported as it arrives (not paced at the sample rate), split into packets of
 * at most ±255 counts.
 */
public final class Ps2Mouse implements Ps2Device {

    static final int ACK = 0xFA;
    static final int RESEND = 0xFE;
    static final int SET_SCALING_1_1 = 0xE6;
    static final int SET_SCALING_2_1 = 0xE7;
    static final int SET_RESOLUTION = 0xE8;
    static final int STATUS_REQUEST = 0xE9;
    static final int SET_STREAM = 0xEA;
    static final int READ_DATA = 0xEB;
    static final int RESET_WRAP = 0xEC;
    static final int SET_WRAP = 0xEE;
    static final int SET_REMOTE = 0xF0;
    static final int GET_ID = 0xF2;
    static final int SET_SAMPLE_RATE = 0xF3;
    static final int ENABLE = 0xF4;
    static final int DISABLE = 0xF5;
    static final int DEFAULTS = 0xF6;
    static final int RESET = 0xFF;

    private final Ps2Queue output = new Ps2Queue(Ps2MouseState.QUEUE);
    private final Runnable outputReady;
    private boolean reporting;
    private boolean remote;
    private boolean wrap;
    private boolean scaling21;
    private int resolution;
    private int sampleRate;
    private int deviceId;
    private int rateHistory;
    private int buttons;
    private int dx;
    private int dy;
    private int dz;
    private int awaiting;
    private int lastSent;

    public Ps2Mouse(Runnable outputReady) {
        this(Ps2MouseState.initial(), outputReady);
    }

    private Ps2Mouse(Ps2MouseState s, Runnable outputReady) {
        this.outputReady = Objects.requireNonNull(outputReady, "outputReady");
        load(s);
    }

    public static Ps2Mouse fromState(Ps2MouseState state, Runnable outputReady) {
        return new Ps2Mouse(Objects.requireNonNull(state, "state"), outputReady);
    }

    public Ps2MouseState state() {
        return new Ps2MouseState(output.toArray(), reporting, remote, wrap, scaling21, resolution, sampleRate,
                deviceId, rateHistory, buttons, dx, dy, dz, awaiting, lastSent);
    }

    public void reset() {
        load(Ps2MouseState.initial());
    }

    private void load(Ps2MouseState s) {
        output.load(s.output());
        reporting = s.reporting();
        remote = s.remote();
        wrap = s.wrap();
        scaling21 = s.scaling21();
        resolution = s.resolution();
        sampleRate = s.sampleRate();
        deviceId = s.deviceId();
        rateHistory = s.rateHistory();
        buttons = s.buttons();
        dx = s.dx();
        dy = s.dy();
        dz = s.dz();
        awaiting = s.awaiting();
        lastSent = s.lastSent();
    }

    public int deviceId() {
        return deviceId;
    }

    public int room() {
        return output.free();
    }

    private int packetSize() {
        return deviceId == 0 ? 3 : 4;
    }

    // ---- host side (VM thread)

    /**
     * The host mouse moved or its buttons changed.
     *
     * @param moveX   counts to the right
     * @param moveY   counts downwards on the screen (sent to the guest as PS/2's upward-positive Y)
     * @param wheel   wheel detents, positive = towards the user (down)
     * @param buttons bit 0 left, 1 right, 2 middle, 3 fourth, 4 fifth
     */
    public void event(int moveX, int moveY, int wheel, int buttons) {
        this.buttons = buttons & 0x1F;
        dx = clampPending(dx + (long) moveX);
        dy = clampPending(dy - (long) moveY);
        dz = clampPending(dz + (long) wheel);
        if (remote || !reporting) {
            return; // remote mode: the guest polls with Read Data; disabled: motion accumulates
        }
        do {
            if (output.free() < packetSize()) {
                break; // the guest is not keeping up: motion stays accumulated for the next packet
            }
            queuePacket();
        } while (dx != 0 || dy != 0 || dz != 0);
        outputReady.run();
    }

    private static int clampPending(long v) {
        return (int) Math.max(-(1 << 20), Math.min(1 << 20, v));
    }

    private void queuePacket() {
        int x = Math.max(-255, Math.min(255, dx));
        int y = Math.max(-255, Math.min(255, dy));
        int z = Math.max(-8, Math.min(7, dz));
        dx -= x;
        dy -= y;
        dz -= z;
        int b0 = 0x08 | (buttons & 0x01) | (buttons & 0x02) | (buttons & 0x04)
                | (x < 0 ? 0x10 : 0) | (y < 0 ? 0x20 : 0);
        output.add(b0);
        output.add(x & 0xFF);
        output.add(y & 0xFF);
        if (deviceId == 3) {
            output.add(z & 0xFF);
        } else if (deviceId == 4) {
            output.add((z & 0x0F) | ((buttons & 0x08) != 0 ? 0x10 : 0) | ((buttons & 0x10) != 0 ? 0x20 : 0));
        }
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

    private void reply(int b) {
        output.add(b);
        lastSent = b;
        outputReady.run();
    }

    @Override
    public void receive(int b) {
        b &= 0xFF;
        if (wrap && b != RESET_WRAP && b != RESET) {
            reply(b); // wrap mode echoes everything else
            return;
        }
        if (awaiting != 0) {
            int command = awaiting;
            awaiting = 0;
            if (command == SET_SAMPLE_RATE) {
                sampleRate = b;
                rateHistory = ((rateHistory << 8) | b) & 0xFF_FFFF;
                if (rateHistory == 0xC8_6450 && deviceId == 0) {
                    deviceId = 3; // 200, 100, 80: IntelliMouse wheel
                } else if (rateHistory == 0xC8_C850 && deviceId == 3) {
                    deviceId = 4; // 200, 200, 80: Explorer, buttons 4 and 5
                }
            } else {
                resolution = b & 3;
            }
            reply(ACK);
            return;
        }
        switch (b) {
            case SET_SCALING_1_1 -> {
                scaling21 = false;
                reply(ACK);
            }
            case SET_SCALING_2_1 -> {
                scaling21 = true;
                reply(ACK);
            }
            case SET_RESOLUTION, SET_SAMPLE_RATE -> {
                awaiting = b;
                reply(ACK);
            }
            case STATUS_REQUEST -> {
                reply(ACK);
                reply((remote ? 0x40 : 0) | (reporting ? 0x20 : 0) | (scaling21 ? 0x10 : 0)
                        | ((buttons & 1) != 0 ? 0x04 : 0) | ((buttons & 4) != 0 ? 0x02 : 0)
                        | ((buttons & 2) != 0 ? 0x01 : 0));
                reply(resolution);
                reply(sampleRate);
            }
            case SET_STREAM -> {
                remote = false;
                reply(ACK);
            }
            case READ_DATA -> {
                reply(ACK);
                if (output.free() >= packetSize()) {
                    queuePacket();
                    outputReady.run();
                }
            }
            case RESET_WRAP -> {
                wrap = false;
                reply(ACK);
            }
            case SET_WRAP -> {
                wrap = true;
                reply(ACK);
            }
            case SET_REMOTE -> {
                remote = true;
                reply(ACK);
            }
            case GET_ID -> {
                reply(ACK);
                reply(deviceId);
            }
            case ENABLE -> {
                reporting = true;
                reply(ACK);
            }
            case DISABLE -> {
                reporting = false;
                reply(ACK);
            }
            case DEFAULTS -> {
                setDefaults();
                reply(ACK);
            }
            case RESEND -> reply(lastSent);
            case RESET -> {
                output.clear();
                setDefaults();
                remote = false;
                wrap = false;
                deviceId = 0;
                reply(ACK);
                reply(0xAA);
                reply(0x00);
            }
            default -> reply(RESEND);
        }
    }

    private void setDefaults() {
        reporting = false;
        scaling21 = false;
        resolution = 2;
        sampleRate = 100;
        dx = 0;
        dy = 0;
        dz = 0;
        rateHistory = 0;
    }
}
