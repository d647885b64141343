package org.quasivm.vmm.devices.vga;

/**
 * The attribute controller's registers AR00-AR14, its index register (with the palette address source bit) and
 * the address/data flip-flop.
 */
public record AttributeState(int index, boolean dataNext, int[] registers) {

    public AttributeState {
        registers = VgaStates.bytes("attribute controller registers", registers, AttributeController.COUNT);
        VgaStates.range("attribute controller index", index, 0, AttributeController.INDEX_WRITABLE);
    }

    public static AttributeState initial() {
        return new AttributeState(0, false, new int[AttributeController.COUNT]);
    }

    @Override
    public int[] registers() {
        return registers.clone();
    }
}
