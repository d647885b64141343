package org.quasivm.templates.assets;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The boot media judged by a peer: under QEMU (TCG, SeaBIOS, PIIX IDE) the disk boots through SYSLINUX as VMDK and
 * as VHD, the CD boots through ISOLINUX, and the guest reads the floppy's known file and the CD's first 50 MiB with
 * the checksums the host computes; the floppy boots its loader. If this fails, the media are wrong, not our machine.
 */
class BootMediaUnderQemuTest {

    private static StorageGuest guest;

    @BeforeAll
    static void build() throws Exception {
        guest = new GuestAssetBuilder(CacheDirectory.resolve(), System.err::println).storageGuest();
    }

    private static Process qemu(String... drives) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("qemu-system-i386", "-accel", "tcg", "-m", "256",
                "-display", "none", "-monitor", "none", "-serial", "stdio", "-no-reboot"));
        cmd.addAll(List.of(drives));
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }

    private static String md5(byte[] data, int length) throws Exception {
        MessageDigest md = MessageDigest.getInstance("MD5");
        md.update(data, 0, length);
        return HexFormat.of().formatHex(md.digest());
    }

    @Test
    void theVmdkDiskBootsAndTheGuestReadsTheFloppyAndTheCd() throws Exception {
        Process q = qemu("-drive", "file=" + guest.diskVmdk() + ",format=vmdk,if=ide,index=0,snapshot=on",
                "-drive", "file=" + guest.iso() + ",format=raw,if=ide,index=2,media=cdrom",
                "-drive", "file=" + guest.floppy() + ",format=raw,if=floppy,index=0,snapshot=on", "-boot", "c");
        try {
            StringBuilder out = new StringBuilder();
            InputStream in = q.getInputStream();
            waitFor(in, out, "SYSLINUX", 120);
            waitFor(in, out, guest.linux().prompt(), 240);
            OutputStream keys = q.getOutputStream();
            keys.write(("mount -t vfat -o ro /dev/fd0 /mnt && md5sum /mnt/" + FloppyImage.DATA_FILE + " && cat /mnt/"
                    + FloppyImage.TEXT_FILE + "; umount /mnt; dd if=/dev/sr0 bs=1M count=50 2>/dev/null | md5sum; "
                    + "echo done=$((6*7))\n").getBytes(StandardCharsets.US_ASCII));
            keys.flush();
            waitFor(in, out, "done=42", 120);
            byte[] data = FloppyImage.data();
            assertTrue(out.toString().contains(md5(data, data.length) + "  /mnt/" + FloppyImage.DATA_FILE), out
                    .toString());
            assertTrue(out.toString().contains(FloppyImage.TEXT.strip()), out.toString());
            byte[] iso = Files.readAllBytes(guest.iso());
            assertTrue(out.toString().contains(md5(iso, 50 << 20) + "  -"), out.toString());
        } finally {
            q.destroyForcibly();
            q.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void theVhdDiskBoots() throws Exception {
        Process q = qemu("-drive", "file=" + guest.diskVhd() + ",format=vpc,if=ide,index=0,snapshot=on",
                "-boot", "c");
        try {
            StringBuilder out = new StringBuilder();
            waitFor(q.getInputStream(), out, guest.linux().prompt(), 300);
        } finally {
            q.destroyForcibly();
            q.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void theCdBootsFromTheSecondaryMaster() throws Exception {
        Process q = qemu("-drive", "file=" + guest.iso() + ",format=raw,if=ide,index=2,media=cdrom", "-boot", "d");
        try {
            StringBuilder out = new StringBuilder();
            waitFor(q.getInputStream(), out, "ISOLINUX", 120);
            waitFor(q.getInputStream(), out, guest.linux().prompt(), 300);
        } finally {
            q.destroyForcibly();
            q.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void theFloppyBootsItsLoader() throws Exception {
        Process q = qemu("-drive", "file=" + guest.floppy() + ",format=raw,if=floppy,index=0,snapshot=on",
                "-boot", "a");
        try {
            StringBuilder out = new StringBuilder();
            waitFor(q.getInputStream(), out, "SYSLINUX 6.04", 120);
            waitFor(q.getInputStream(), out, FloppyImage.BOOT_PROMPT, 60);
        } finally {
            q.destroyForcibly();
            q.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void theIsoIsLargerThanWhatTheGuestChecksums() throws Exception {
        assertTrue(Files.size(guest.iso()) > 50L << 20);
    }

    private static void waitFor(InputStream in, StringBuilder out, String text, int seconds) throws Exception {
        SerialWait.waitFor(in, out, text, seconds);
    }
}
