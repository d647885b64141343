package org.quasivm.vmm.devices.pic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.quasivm.vmm.bus.AccessWidth;
import org.quasivm.vmm.bus.IoBus;

class Pic8259PairTest {

    private Pic8259Pair pic;
    private final IoBus io = new IoBus();

    @BeforeEach
    void setUp() {
        pic = new Pic8259Pair();
        io.map("pic1", 0x20, 2, pic.master(), AccessWidth.BYTE);
        io.map("pic2", 0xA0, 2, pic.slave(), AccessWidth.BYTE);
        io.map("elcr", 0x4D0, 2, pic.elcr(), AccessWidth.BYTE);
        // what the BIOS does: vectors 08h and 70h, cascade on IR2, 8086 mode
        initialise(0x11, 0x01);
    }

    private void initialise(int icw1, int icw4) {
        io.out(0x20, 1, icw1);
        io.out(0x21, 1, 0x08);
        io.out(0x21, 1, 0x04);
        if ((icw1 & 1) != 0) {
            io.out(0x21, 1, icw4);
        }
        io.out(0xA0, 1, icw1);
        io.out(0xA1, 1, 0x70);
        io.out(0xA1, 1, 0x02);
        if ((icw1 & 1) != 0) {
            io.out(0xA1, 1, icw4);
        }
    }

    private void eoiMaster() {
        io.out(0x20, 1, 0x20);
    }

    private void pulse(int irq) {
        pic.setIrq(irq, true);
        pic.setIrq(irq, false);
    }

    @Test
    void edgeRequestDeliversItsVector() {
        pulse(0);
        assertTrue(pic.hasInterrupt());
        assertEquals(0x08, pic.acknowledge());
        assertFalse(pic.hasInterrupt());
        io.out(0x20, 1, 0x0B); // read ISR
        assertEquals(0x01, io.in(0x20, 1));
    }

    @Test
    void slaveRequestCascadesThroughIr2() {
        pulse(12);
        assertTrue(pic.hasInterrupt());
        assertEquals(0x74, pic.acknowledge());
        io.out(0xA0, 1, 0x0B);
        assertEquals(0x10, io.in(0xA0, 1));
        io.out(0x20, 1, 0x0B);
        assertEquals(0x04, io.in(0x20, 1));
    }

    @Test
    void maskedRequestWaitsUntilUnmasked() {
        io.out(0x21, 1, 0x02);
        pulse(1);
        assertFalse(pic.hasInterrupt());
        io.out(0x21, 1, 0x00);
        assertTrue(pic.hasInterrupt());
        assertEquals(0x09, pic.acknowledge());
    }

    @Test
    void inServiceLevelBlocksLowerPrioritiesUntilEoi() {
        pulse(3);
        assertEquals(0x0B, pic.acknowledge());
        pulse(4);
        assertFalse(pic.hasInterrupt());
        pulse(1);
        assertTrue(pic.hasInterrupt()); // higher priority nests
        assertEquals(0x09, pic.acknowledge());
        eoiMaster(); // clears IR1
        eoiMaster(); // clears IR3
        assertEquals(0x0C, pic.acknowledge());
    }

    @Test
    void requestThatDisappearsBeforeAcknowledgeIsSpuriousIrq7WithoutInService() {
        io.out(0x4D0, 1, 0x20); // IRQ5 level triggered
        pic.setIrq(5, true);
        assertTrue(pic.hasInterrupt());
        pic.setIrq(5, false);
        assertEquals(0x0F, pic.acknowledge());
        io.out(0x20, 1, 0x0B);
        assertEquals(0, io.in(0x20, 1));
    }

    @Test
    void spuriousSlaveRequestIsIrq15WithMasterCascadeInService() {
        io.out(0x4D1, 1, 0x08); // IRQ11 level
        pic.setIrq(11, true);
        assertTrue(pic.hasInterrupt());
        io.out(0xA1, 1, 0x08); // masked after INTR rose
        assertEquals(0x77, pic.acknowledge());
        io.out(0x20, 1, 0x0B);
        assertEquals(0x04, io.in(0x20, 1));
    }

    @Test
    void levelTriggeredRequestStaysWhileTheLineIsHigh() {
        io.out(0x4D1, 1, 0x0C); // IRQ10, IRQ11 level: what SeaBIOS programs for PCI
        pic.setIrq(10, true);
        assertEquals(0x72, pic.acknowledge());
        io.out(0xA0, 1, 0x20);
        io.out(0x20, 1, 0x20);
        assertTrue(pic.hasInterrupt());
        pic.setIrq(10, false);
        // the slave withdrew the request; the master's edge-latched cascade request becomes spurious IRQ 15
        assertEquals(0x77, pic.acknowledge());
    }

    @Test
    void elcrCannotMakeTheTimerLevelTriggered() {
        io.out(0x4D0, 1, 0xFF);
        io.out(0x4D1, 1, 0xFF);
        assertEquals(0xF8, io.in(0x4D0, 1));
        assertEquals(0xDE, io.in(0x4D1, 1));
    }

    @Test
    void edgeNeedsANewRisingEdge() {
        pic.setIrq(4, true);
        assertEquals(0x0C, pic.acknowledge());
        eoiMaster();
        pic.setIrq(4, true); // still high: no new edge
        assertFalse(pic.hasInterrupt());
        pic.setIrq(4, false);
        pic.setIrq(4, true);
        assertTrue(pic.hasInterrupt());
    }

    @Test
    void autoEoiLeavesNothingInService() {
        initialise(0x11, 0x03);
        pulse(6);
        assertEquals(0x0E, pic.acknowledge());
        io.out(0x20, 1, 0x0B);
        assertEquals(0, io.in(0x20, 1));
    }

    @Test
    void rotateOnNonSpecificEoiMakesTheServicedLevelLowest() {
        pulse(0);
        pic.acknowledge();
        io.out(0x20, 1, 0xA0); // rotate on non-specific EOI
        pulse(0);
        pulse(5);
        assertEquals(0x0D, pic.acknowledge()); // IR0 is now lowest, IR5 wins
    }

    @Test
    void setPriorityCommandRotates() {
        io.out(0x20, 1, 0xC0 | 4); // IR4 lowest, IR5 highest
        pulse(3);
        pulse(6);
        assertEquals(0x0E, pic.acknowledge());
    }

    @Test
    void rotateInAutoEoiMode() {
        initialise(0x11, 0x03);
        io.out(0x20, 1, 0x80); // rotate in automatic EOI mode: set
        pulse(1);
        assertEquals(0x09, pic.acknowledge());
        pulse(0);
        pulse(3);
        assertEquals(0x0B, pic.acknowledge()); // IR1 became lowest, IR2.. highest
    }

    @Test
    void specificEoiClearsOnlyTheNamedLevel() {
        pulse(3);
        pic.acknowledge();
        pulse(1);
        pic.acknowledge();
        io.out(0x20, 1, 0x63); // specific EOI, level 3
        io.out(0x20, 1, 0x0B);
        assertEquals(0x02, io.in(0x20, 1));
    }

    @Test
    void specialMaskModeLetsLowerPrioritiesThroughAMaskedInServiceLevel() {
        pulse(1);
        pic.acknowledge(); // IR1 in service
        io.out(0x21, 1, 0x02); // mask IR1
        io.out(0x20, 1, 0x68); // set special mask mode
        pulse(5);
        assertTrue(pic.hasInterrupt());
        assertEquals(0x0D, pic.acknowledge());
        io.out(0x20, 1, 0x48); // reset special mask
        pulse(6);
        assertFalse(pic.hasInterrupt());
    }

    @Test
    void pollCommandAcknowledgesAndReportsTheLevel() {
        pulse(4);
        io.out(0x20, 1, 0x0C); // OCW3 poll
        assertEquals(0x84, io.in(0x20, 1));
        assertFalse(pic.hasInterrupt());
        io.out(0x20, 1, 0x0C);
        assertEquals(0x00, io.in(0x20, 1));
    }

    @Test
    void specialFullyNestedModeLetsTheSlaveInterruptItsOwnCascade() {
        initialise(0x11, 0x11);
        pulse(14);
        assertEquals(0x76, pic.acknowledge());
        pulse(9); // higher priority on the same slave
        assertTrue(pic.hasInterrupt());
        assertEquals(0x71, pic.acknowledge());
    }

    @Test
    void imrReadsBackAndIcw1ClearsIt() {
        io.out(0x21, 1, 0xB8);
        assertEquals(0xB8, io.in(0x21, 1));
        io.out(0x20, 1, 0x11);
        assertEquals(0, io.in(0x21, 1));
    }

    @Test
    void irrIsReadableByDefault() {
        io.out(0x21, 1, 0xFF);
        pulse(3);
        assertEquals(0x08, io.in(0x20, 1));
    }

    @Test
    void stateRoundTripReassertsPendingInterrupt() {
        pulse(7);
        Pic8259Pair restored = Pic8259Pair.fromState(pic.state());
        assertTrue(restored.hasInterrupt());
        assertEquals(0x0F, restored.acknowledge());
        assertEquals(pic.state().master().vectorBase(), restored.state().master().vectorBase());
    }

    @Test
    void invalidStateIsRefused() {
        PicState bad = new PicState(0, 0, 0, 0, 0x01, 0, 0, false, false, false, 0, false, false, false, false,
                false, false);
        assertThrows(IllegalArgumentException.class, () -> Pic8259Pair.fromState(new PicPairState(bad,
                PicState.initial())));
        assertThrows(IllegalArgumentException.class, () -> new PicState(0x100, 0, 0, 0, 0, 0, 0, false, false,
                false, 0, false, false, false, false, false, false));
    }

    @Test
    void cascadeInputCannotBeDrivenByADevice() {
        assertThrows(IllegalArgumentException.class, () -> pic.line(2));
    }
}
