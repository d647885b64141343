package org.quasivm.nativehelper.libc;

import java.nio.ByteBuffer;

import com.sun.jna.Native;
import com.sun.jna.Pointer;

/** Host virtual addresses of direct buffers, for handing guest memory to the kernel (KVM memory slots). */
public final class HostAddress {

    private HostAddress() {
    }

    /** The address of byte 0 of a direct buffer (of the slice itself, not of the buffer it was cut from). */
    public static long of(ByteBuffer direct) {
        if (!direct.isDirect()) {
            throw new IllegalArgumentException("not a direct buffer");
        }
        return Pointer.nativeValue(Native.getDirectBufferPointer(direct));
    }
}
