package org.quasivm.vmm.devices.vga;

/** The CRT controller's registers CR00-CR18 and its index register. */
public record CrtcState(int index, int[] registers) {

    public CrtcState {
        registers = VgaStates.bytes("CRTC registers", registers, CrtController.COUNT);
        VgaStates.range("CRTC index", index, 0, 0xFF);
    }

    public static CrtcState initial() {
        return new CrtcState(0, new int[CrtController.COUNT]);
    }

    @Override
    public int[] registers() {
        return registers.clone();
    }
}
