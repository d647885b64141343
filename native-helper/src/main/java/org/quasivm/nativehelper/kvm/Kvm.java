package org.quasivm.nativehelper.kvm;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.quasivm.nativehelper.libc.Errno;
import org.quasivm.nativehelper.libc.LibC;
import org.quasivm.nativehelper.libc.NativeFd;

/** The KVM system device ({@code /dev/kvm}): API version, capabilities, supported CPUID and MSRs, new VMs. */
public final class Kvm implements AutoCloseable {

    public static final Path DEVICE = Path.of("/dev/kvm");
    /** The only stable KVM API version there has ever been. */
    public static final int API_VERSION = 12;

    private static final int MAX_CPUID_ENTRIES = 4096;

    private final NativeFd fd;
    private final Path device;

    private Kvm(NativeFd fd, Path device) {
        this.fd = fd;
        this.device = device;
    }

    /** Opens {@link #DEVICE}. */
    public static Kvm open() {
        return open(DEVICE);
    }

    /**
     * Opens a KVM device and checks its API version.
     *
     * @throws KvmUnavailableException with a one-line reason when the device is missing, not permitted, not KVM or
     *                                 of another API version
     */
    public static Kvm open(Path device) {
        int raw = LibC.open(device.toString(), LibC.O_RDWR | LibC.O_CLOEXEC);
        if (raw < 0) {
            int errno = LibC.errno();
            throw new KvmUnavailableException(switch (errno) {
                case Errno.ENOENT -> "KVM is not available: " + device
                        + " does not exist (no hardware virtualization, or the kvm module is not loaded)";
                case Errno.EACCES, Errno.EPERM -> "KVM is not available: no permission to open " + device
                        + " (add the user to the 'kvm' group)";
                case Errno.ENODEV, Errno.ENXIO -> "KVM is not available: " + device + " has no driver behind it ("
                        + Errno.describe(errno) + ")";
                default -> "KVM is not available: cannot open " + device + ": " + Errno.describe(errno);
            });
        }
        NativeFd fd = NativeFd.adopt(raw);
        int version = LibC.ioctl(raw, KvmIoctl.KVM_GET_API_VERSION.request(), 0);
        if (version < 0) {
            int errno = LibC.errno();
            fd.close();
            throw new KvmUnavailableException("KVM is not available: " + device + " is not a KVM device ("
                    + KvmIoctl.KVM_GET_API_VERSION.name() + " failed: " + Errno.describe(errno) + ")");
        }
        if (version != API_VERSION) {
            fd.close();
            throw new KvmUnavailableException("KVM is not available: " + device + " speaks KVM API version "
                    + version + ", QuasiVM needs " + API_VERSION);
        }
        return new Kvm(fd, device);
    }

    public Path device() {
        return device;
    }

    public int apiVersion() {
        return fd.ioctl(KvmIoctl.KVM_GET_API_VERSION.name(), KvmIoctl.KVM_GET_API_VERSION.request(), 0);
    }

    /** KVM_CHECK_EXTENSION: 0 when absent, otherwise 1 or a capability-specific number. */
    public int checkExtension(KvmCapability capability) {
        return ioctl(KvmIoctl.KVM_CHECK_EXTENSION, capability.number());
    }

    /** Size of the per-vCPU kvm_run mapping. */
    public int vcpuMmapSize() {
        return ioctl(KvmIoctl.KVM_GET_VCPU_MMAP_SIZE, 0);
    }

    /** KVM_GET_SUPPORTED_CPUID: every leaf the host and KVM can offer a guest, before our own filtering. */
    public List<KvmCpuidEntry> supportedCpuid() {
        for (int capacity = 128; capacity <= MAX_CPUID_ENTRIES; capacity *= 2) {
            ByteBuffer b = NativeStruct.allocate(8 + capacity * KvmCpuidEntry.SIZE);
            b.putInt(0, capacity);
            int rc = LibC.ioctl(fd.value(), KvmIoctl.KVM_GET_SUPPORTED_CPUID.request(), NativeStruct.address(b));
            if (rc < 0) {
                int errno = LibC.errno();
                if (errno == Errno.E2BIG) {
                    continue;
                }
                throw new KvmException(KvmIoctl.KVM_GET_SUPPORTED_CPUID, errno);
            }
            int n = Math.min(b.getInt(0), capacity);
            List<KvmCpuidEntry> entries = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                entries.add(KvmCpuidEntry.read(b, 8 + i * KvmCpuidEntry.SIZE));
            }
            return List.copyOf(entries);
        }
        throw new KvmException(KvmIoctl.KVM_GET_SUPPORTED_CPUID, Errno.E2BIG, "more than " + MAX_CPUID_ENTRIES
                + " entries");
    }

    /** KVM_GET_MSR_INDEX_LIST: the MSRs KVM saves and restores for a vCPU. */
    public int[] msrIndexList() {
        ByteBuffer probe = NativeStruct.allocate(8);
        int rc = LibC.ioctl(fd.value(), KvmIoctl.KVM_GET_MSR_INDEX_LIST.request(), NativeStruct.address(probe));
        if (rc < 0 && LibC.errno() != Errno.E2BIG) {
            throw new KvmException(KvmIoctl.KVM_GET_MSR_INDEX_LIST, LibC.errno());
        }
        int count = probe.getInt(0);
        if (count < 0 || count > 65536) {
            throw new KvmException(KvmIoctl.KVM_GET_MSR_INDEX_LIST, Errno.E2BIG, count + " MSRs");
        }
        ByteBuffer b = NativeStruct.allocate(4 + 4 * count);
        b.putInt(0, count);
        ioctl(KvmIoctl.KVM_GET_MSR_INDEX_LIST, NativeStruct.address(b));
        int n = Math.min(b.getInt(0), count);
        int[] indices = new int[n];
        for (int i = 0; i < n; i++) {
            indices[i] = b.getInt(4 + 4 * i);
        }
        return indices;
    }

    /** KVM_CREATE_VM (default machine type). */
    public KvmVm createVm() {
        int mmapSize = vcpuMmapSize();
        int vmFd = ioctl(KvmIoctl.KVM_CREATE_VM, 0);
        return new KvmVm(NativeFd.adopt(vmFd), mmapSize);
    }

    private int ioctl(KvmIoctl ioctl, long arg) {
        int rc = LibC.ioctl(fd.value(), ioctl.request(), arg);
        if (rc < 0) {
            throw new KvmException(ioctl, LibC.errno());
        }
        return rc;
    }

    @Override
    public void close() {
        fd.close();
    }
}
