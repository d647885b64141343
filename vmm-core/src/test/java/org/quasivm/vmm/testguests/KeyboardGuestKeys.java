package org.quasivm.vmm.testguests;

import org.quasivm.vmm.devices.ps2.PcKey;
import org.quasivm.vmm.machine.HostInput;

/** The keys the keyboard guest's expected output was recorded with: q, Shift+v, m, Up, Enter. */
final class KeyboardGuestKeys {

    private KeyboardGuestKeys() {
    }

    static void type(HostInput input) {
        input.tap(PcKey.Q);
        input.keyDown(PcKey.LEFT_SHIFT);
        input.tap(PcKey.V);
        input.keyUp(PcKey.LEFT_SHIFT);
        input.tap(PcKey.M);
        input.tap(PcKey.UP);
        input.tap(PcKey.ENTER);
    }
}
