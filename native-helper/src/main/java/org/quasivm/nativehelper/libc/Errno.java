package org.quasivm.nativehelper.libc;

/** Linux errno numbers and their symbolic names (asm-generic/errno-base.h and errno.h; the same on x86). */
public final class Errno {

    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int ESRCH = 3;
    public static final int EINTR = 4;
    public static final int EBADF = 9;
    public static final int EAGAIN = 11;
    public static final int ENOMEM = 12;
    public static final int EACCES = 13;
    public static final int EFAULT = 14;
    public static final int EBUSY = 16;
    public static final int EEXIST = 17;
    public static final int ENODEV = 19;
    public static final int EINVAL = 22;
    public static final int ENOTTY = 25;
    public static final int ENOSPC = 28;
    public static final int E2BIG = 7;
    public static final int ENXIO = 6;
    public static final int ENOSYS = 38;
    public static final int EWOULDBLOCK = EAGAIN;

    private static final String[] NAMES = new String[134];

    static {
        String table = "1 EPERM 2 ENOENT 3 ESRCH 4 EINTR 5 EIO 6 ENXIO 7 E2BIG 8 ENOEXEC 9 EBADF 10 ECHILD 11 EAGAIN "
                + "12 ENOMEM 13 EACCES 14 EFAULT 15 ENOTBLK 16 EBUSY 17 EEXIST 18 EXDEV 19 ENODEV 20 ENOTDIR "
                + "21 EISDIR 22 EINVAL 23 ENFILE 24 EMFILE 25 ENOTTY 26 ETXTBSY 27 EFBIG 28 ENOSPC 29 ESPIPE "
                + "30 EROFS 31 EMLINK 32 EPIPE 33 EDOM 34 ERANGE 35 EDEADLK 36 ENAMETOOLONG 37 ENOLCK 38 ENOSYS "
                + "39 ENOTEMPTY 40 ELOOP 42 ENOMSG 43 EIDRM 61 ENODATA 62 ETIME 71 EPROTO 75 EOVERFLOW 77 EBADFD "
                + "84 EILSEQ 95 EOPNOTSUPP 105 ENOBUFS 110 ETIMEDOUT 114 EALREADY 115 EINPROGRESS 116 ESTALE "
                + "122 EDQUOT 125 ECANCELED 133 EHWPOISON";
        String[] parts = table.split(" ");
        for (int i = 0; i < parts.length; i += 2) {
            NAMES[Integer.parseInt(parts[i])] = parts[i + 1];
        }
    }

    private Errno() {
    }

    /** The symbolic name ({@code EINVAL}), or {@code errno N} for numbers without one here. */
    public static String name(int errno) {
        if (errno > 0 && errno < NAMES.length && NAMES[errno] != null) {
            return NAMES[errno];
        }
        return "errno " + errno;
    }

    /** {@code EINVAL (22)}: the form every native error message in QuasiVM uses. */
    public static String describe(int errno) {
        return name(errno) + " (" + errno + ")";
    }
}
