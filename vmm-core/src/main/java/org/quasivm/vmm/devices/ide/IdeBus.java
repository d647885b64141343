package org.quasivm.vmm.devices.ide;

/** What a device sees of the channel it sits on: its interrupt request and the bus master's DMA request line. */
interface IdeBus {

    /** Asserts INTRQ (the channel gates it with nIEN and clears it on a status read). */
    void raiseInterrupt();

    /** The device has a DMA transfer waiting (DMARQ): the bus master moves it when it is started. */
    void dmaRequest();

    IdeBus NONE = new IdeBus() {
        @Override
        public void raiseInterrupt() {
        }

        @Override
        public void dmaRequest() {
        }
    };
}
