package org.quasivm.exec.kvm;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class InterruptPathBenchmarkTest {

    @Test
    void userspacePicPathDeliversEveryInterrupt() {
        KvmTestSupport.executorOrSkip(new TestMachine(4096)).close();
        // userspacePic throws unless the device saw exactly this many acknowledged interrupts
        assertTrue(InterruptPathBenchmark.userspacePic(50) > 0);
    }

    @Test
    void inKernelPicPathDeliversEveryInterrupt() {
        KvmTestSupport.executorOrSkip(new TestMachine(4096)).close();
        // inKernelPic throws unless the guest counted down all its interrupts before printing 'E'
        assertTrue(InterruptPathBenchmark.inKernelPic(50) > 0);
    }
}
