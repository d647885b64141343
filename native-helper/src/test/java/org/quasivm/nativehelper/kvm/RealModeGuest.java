package org.quasivm.nativehelper.kvm;

import java.nio.ByteBuffer;

import org.quasivm.nativehelper.libc.AnonymousMapping;

/**
 * A one-vCPU VM with 64 KiB of RAM at guest-physical 0 and hand-encoded real-mode code at 0x1000: the smallest guest
 * that exercises the bindings (nested KVM here is slow, so guests stay tiny).
 */
final class RealModeGuest implements AutoCloseable {

    static final int CODE = 0x1000;
    static final int RAM_SIZE = 64 * 1024;

    final KvmVm vm;
    final KvmVcpu vcpu;
    final AnonymousMapping ram;

    RealModeGuest(Kvm kvm, int ramFlags, int... code) {
        vm = kvm.createVm();
        vm.setTssAddress(0xFFFBD000L);
        ram = AnonymousMapping.allocate(RAM_SIZE);
        for (int i = 0; i < code.length; i++) {
            ram.bytes().put(CODE + i, (byte) code[i]);
        }
        vm.setUserMemoryRegion(0, ramFlags, 0, RAM_SIZE, ram.address());
        vcpu = vm.createVcpu(0);
        KvmSregs s = vcpu.sregs();
        KvmSegment cs = new KvmSegment(0, 0xFFFF, 0, 0xB, true, 0, false, true, false, false, false, false);
        vcpu.setSregs(s.with(cs, s.ds(), s.es(), s.fs(), s.gs(), s.ss(), s.tr(), s.ldt(), s.gdt(), s.idt(),
                s.cr0(), s.cr2(), s.cr3(), s.cr4(), s.efer()));
        vcpu.setRegs(new KvmRegs(new long[16], CODE, 2));
    }

    ByteBuffer ram() {
        return ram.bytes();
    }

    /** Sets DS to a real-mode paragraph. */
    void setDs(int selector) {
        KvmSregs s = vcpu.sregs();
        KvmSegment ds = new KvmSegment((long) selector << 4, 0xFFFF, selector, 3, true, 0, false, true, false,
                false, false, false);
        vcpu.setSregs(s.with(s.cs(), ds, s.es(), s.fs(), s.gs(), s.ss(), s.tr(), s.ldt(), s.gdt(), s.idt(),
                s.cr0(), s.cr2(), s.cr3(), s.cr4(), s.efer()));
    }

    /** Runs to the next exit and returns its reason; fails on an errno. */
    int runToExit() {
        int errno = vcpu.run();
        if (errno != 0) {
            throw new AssertionError("KVM_RUN failed with errno " + errno);
        }
        return vcpu.runPage().exitReason();
    }

    @Override
    public void close() {
        vcpu.close();
        vm.close();
        ram.close();
    }
}
