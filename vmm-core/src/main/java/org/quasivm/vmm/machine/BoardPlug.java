package org.quasivm.vmm.machine;

/**
 * A device the board does not build itself (the VGA, later IDE and floppy): given to {@link BoardConfig} and wired
 * in while the board is built.
 */
@FunctionalInterface
public interface BoardPlug {

    void plugInto(BoardWiring wiring);
}
