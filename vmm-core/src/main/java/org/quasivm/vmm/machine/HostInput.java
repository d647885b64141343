package org.quasivm.vmm.machine;

import java.util.ArrayDeque;
import java.util.Objects;

import org.quasivm.vmm.devices.ps2.PcKey;
import org.quasivm.vmm.devices.ps2.Ps2Keyboard;
import org.quasivm.vmm.devices.ps2.Ps2Mouse;

/**
 * Keyboard and mouse events from the host (the console's UI thread, tests) on their way to the VM thread, which
 * hands them to the PS/2 devices as fast as their buffers drain. Thread safe; bounded so a stuck guest cannot make
 * the host queue grow without end (events beyond the bound are dropped, as a real keyboard drops keys).
 */
public final class HostInput {

    static final int MAX_EVENTS = 4096;

    private sealed interface Event permits Key, Mouse { }

    private record Key(PcKey key, boolean down) implements Event { }

    private record Mouse(int dx, int dy, int dz, int buttons) implements Event { }

    private final ArrayDeque<Event> events = new ArrayDeque<>();
    private volatile Runnable wake = () -> { };

    void onEvent(Runnable wakeVm) {
        this.wake = Objects.requireNonNull(wakeVm, "wakeVm");
    }

    public void keyDown(PcKey key) {
        offer(new Key(Objects.requireNonNull(key, "key"), true));
    }

    public void keyUp(PcKey key) {
        offer(new Key(Objects.requireNonNull(key, "key"), false));
    }

    /** Presses and releases each key in turn. */
    public void tap(PcKey... keys) {
        for (PcKey k : keys) {
            keyDown(k);
            keyUp(k);
        }
    }

    /**
     * Mouse motion and buttons: {@code dx} right, {@code dy} down the screen, {@code dz} wheel towards the user,
     * buttons bit 0 left, 1 right, 2 middle, 3-4 side buttons.
     */
    public void mouse(int dx, int dy, int dz, int buttons) {
        offer(new Mouse(dx, dy, dz, buttons));
    }

    private void offer(Event e) {
        synchronized (events) {
            if (events.size() >= MAX_EVENTS) {
                return;
            }
            events.add(e);
        }
        wake.run();
    }

    public boolean isEmpty() {
        synchronized (events) {
            return events.isEmpty();
        }
    }

    /** VM thread: delivers waiting events while the devices have room. */
    void deliver(Ps2Keyboard keyboard, Ps2Mouse mouse) {
        while (true) {
            Event e;
            synchronized (events) {
                e = events.peek();
                if (e == null) {
                    return;
                }
                if (e instanceof Key && keyboard.room() < 8 || e instanceof Mouse && mouse.room() < 8) {
                    return; // the guest has not read what it has yet; try again later
                }
                events.poll();
            }
            if (e instanceof Key k) {
                if (k.down()) {
                    keyboard.keyDown(k.key());
                } else {
                    keyboard.keyUp(k.key());
                }
            } else if (e instanceof Mouse m) {
                mouse.event(m.dx(), m.dy(), m.dz(), m.buttons());
            }
        }
    }
}
