package org.quasivm.vmm.devices.vga;

/** The graphics controller's registers GR0-GR8 and its index register. */
public record GraphicsState(int index, int[] registers) {

    public GraphicsState {
        registers = VgaStates.bytes("graphics controller registers", registers, GraphicsController.COUNT);
        VgaStates.range("graphics controller index", index, 0, GraphicsController.INDEX_MASK);
    }

    public static GraphicsState initial() {
        return new GraphicsState(0, new int[GraphicsController.COUNT]);
    }

    @Override
    public int[] registers() {
        return registers.clone();
    }
}
