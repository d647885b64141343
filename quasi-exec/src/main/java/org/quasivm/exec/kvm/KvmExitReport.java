package org.quasivm.exec.kvm;

import java.util.HexFormat;

import org.quasivm.nativehelper.kvm.KvmRegs;
import org.quasivm.nativehelper.kvm.KvmRunPage;
import org.quasivm.nativehelper.kvm.KvmSregs;

/** Human-readable descriptions of KVM exits that end a run with an error, with the register state. */
final class KvmExitReport {

    private KvmExitReport() {
    }

    static String exitName(int reason) {
        return switch (reason) {
            case KvmRunPage.EXIT_UNKNOWN -> "KVM_EXIT_UNKNOWN";
            case KvmRunPage.EXIT_EXCEPTION -> "KVM_EXIT_EXCEPTION";
            case KvmRunPage.EXIT_IO -> "KVM_EXIT_IO";
            case KvmRunPage.EXIT_HYPERCALL -> "KVM_EXIT_HYPERCALL";
            case KvmRunPage.EXIT_DEBUG -> "KVM_EXIT_DEBUG";
            case KvmRunPage.EXIT_HLT -> "KVM_EXIT_HLT";
            case KvmRunPage.EXIT_MMIO -> "KVM_EXIT_MMIO";
            case KvmRunPage.EXIT_IRQ_WINDOW_OPEN -> "KVM_EXIT_IRQ_WINDOW_OPEN";
            case KvmRunPage.EXIT_SHUTDOWN -> "KVM_EXIT_SHUTDOWN";
            case KvmRunPage.EXIT_FAIL_ENTRY -> "KVM_EXIT_FAIL_ENTRY";
            case KvmRunPage.EXIT_INTR -> "KVM_EXIT_INTR";
            case KvmRunPage.EXIT_NMI -> "KVM_EXIT_NMI";
            case KvmRunPage.EXIT_INTERNAL_ERROR -> "KVM_EXIT_INTERNAL_ERROR";
            case KvmRunPage.EXIT_SYSTEM_EVENT -> "KVM_EXIT_SYSTEM_EVENT";
            default -> "KVM exit " + reason;
        };
    }

    /** KVM_EXIT_INTERNAL_ERROR: the suberror by name and, for emulation failures, the instruction bytes. */
    static String internalError(KvmRunPage run) {
        int suberror = run.internalErrorSuberror();
        String what = switch (suberror) {
            case KvmRunPage.INTERNAL_ERROR_EMULATION -> "instruction emulation failed";
            case KvmRunPage.INTERNAL_ERROR_SIMUL_EX -> "exception while delivering an exception";
            case KvmRunPage.INTERNAL_ERROR_DELIVERY_EV -> "exit while delivering an event";
            case KvmRunPage.INTERNAL_ERROR_UNEXPECTED_EXIT_REASON -> "unexpected hardware exit";
            default -> "suberror " + suberror;
        };
        StringBuilder sb = new StringBuilder("KVM internal error: ").append(what);
        int n = run.internalErrorDataCount();
        // Emulation failures with flag bit 0 carry the instruction: data[1] byte 0 = length, then the bytes.
        if (suberror == KvmRunPage.INTERNAL_ERROR_EMULATION && n >= 3 && (run.internalErrorData(0) & 1) != 0) {
            byte[] raw = new byte[16];
            for (int i = 0; i < 16; i++) {
                raw[i] = (byte) (run.internalErrorData(1 + i / 8) >>> (8 * (i % 8)));
            }
            int length = Math.min(raw[0] & 0xFF, 15);
            sb.append(", instruction bytes ").append(HexFormat.ofDelimiter(" ").formatHex(raw, 1, 1 + length));
        } else if (n > 0) {
            sb.append(", data");
            for (int i = 0; i < n; i++) {
                sb.append(' ').append(Long.toHexString(run.internalErrorData(i)));
            }
        }
        return sb.toString();
    }

    /** One line of the registers that locate the failure. */
    static String registers(KvmRegs r, KvmSregs s) {
        String[] names = {"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"};
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("cs:eip=%04x:%08x (linear %x)", s.cs().selector(), r.rip(), s.cs().base() + r.rip()));
        for (int i = 0; i < names.length; i++) {
            sb.append(' ').append(names[i]).append('=').append(String.format("%08x", r.gpr(i)));
        }
        sb.append(String.format(" eflags=%08x ss=%04x ds=%04x es=%04x cr0=%08x cr3=%08x cr4=%08x efer=%x",
                r.rflags(), s.ss().selector(), s.ds().selector(), s.es().selector(), s.cr0(), s.cr3(), s.cr4(),
                s.efer()));
        return sb.toString();
    }
}
