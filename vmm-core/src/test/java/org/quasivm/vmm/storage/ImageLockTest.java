package org.quasivm.vmm.storage;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quasivm.disk.ImageFormat;
import org.quasivm.vmm.testing.TestImages;

/** Claims on images between VMs: in this process, across processes, over differencing chains. */
class ImageLockTest {

    @TempDir
    Path dir;

    private Path image() throws Exception {
        return TestImages.patternedRaw(dir, "disk.raw", 64 * 1024);
    }

    @Test
    void aSecondWriterIsRefusedWithTheNameOfTheVmThatWrites() throws Exception {
        Path img = image();
        try (ImageLock first = ImageLock.acquire(img, ImageLock.Mode.EXCLUSIVE, "alpha")) {
            ImageInUseException e = assertThrows(ImageInUseException.class,
                    () -> ImageLock.acquire(img, ImageLock.Mode.EXCLUSIVE, "beta"));
            assertTrue(e.getMessage().contains("VM 'alpha' (pid " + ProcessHandle.current().pid() + ", writing)"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("needs to write it"), e.getMessage());
        }
    }

    @Test
    void readersShareAnImage() throws Exception {
        Path img = image();
        try (ImageLock a = ImageLock.acquire(img, ImageLock.Mode.SHARED, "alpha");
             ImageLock b = ImageLock.acquire(img, ImageLock.Mode.SHARED, "beta")) {
            assertTrue(a.named() && b.named());
        }
    }

    @Test
    void aWriterIsRefusedWhileAnotherVmReads() throws Exception {
        Path img = image();
        try (ImageLock reader = ImageLock.acquire(img, ImageLock.Mode.SHARED, "reader")) {
            ImageInUseException e = assertThrows(ImageInUseException.class,
                    () -> ImageLock.acquire(img, ImageLock.Mode.EXCLUSIVE, "writer"));
            assertTrue(e.getMessage().contains("VM 'reader'"), e.getMessage());
        }
    }

    @Test
    void releasingLetsTheNextWriterIn() throws Exception {
        Path img = image();
        ImageLock.acquire(img, ImageLock.Mode.EXCLUSIVE, "alpha").close();
        assertDoesNotThrow(() -> ImageLock.acquire(img, ImageLock.Mode.EXCLUSIVE, "beta").close());
    }

    @Test
    void theRecordOfADeadProcessIsIgnoredAndPruned() throws Exception {
        Path img = image();
        Path lockFile = ImageLock.lockFileOf(img);
        Files.writeString(lockFile, "999999999 exclusive ghost\n");
        try (ImageLock lock = ImageLock.acquire(img, ImageLock.Mode.EXCLUSIVE, "alpha")) {
            String text = Files.readString(lockFile);
            assertFalse(text.contains("ghost"), text);
            assertTrue(text.contains("alpha"), text);
        }
        assertEquals("", Files.readString(lockFile), "released claims leave no record");
    }

    @Test
    void anotherProcessWritingTheImageIsNamedWithItsPid() throws Exception {
        Path img = image();
        Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), LockHolder.class.getName(), img.toString(),
                "exclusive", "other-vm").redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(),
                    StandardCharsets.UTF_8));
            assertEquals("locked", out.readLine());
            ImageInUseException e = assertThrows(ImageInUseException.class,
                    () -> ImageLock.acquire(img, ImageLock.Mode.SHARED, "me"));
            assertTrue(e.getMessage().contains("VM 'other-vm' (pid " + holder.pid() + ", writing)"),
                    e.getMessage());
        } finally {
            holder.getOutputStream().close();
            assertTrue(holder.waitFor(30, TimeUnit.SECONDS));
        }
        assertDoesNotThrow(() -> ImageLock.acquire(img, ImageLock.Mode.EXCLUSIVE, "me").close());
    }

    @Test
    void aProcessThatDiesReleasesItsClaim() throws Exception {
        Path img = image();
        Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), LockHolder.class.getName(), img.toString(),
                "exclusive", "doomed").redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("locked", out.readLine());
        holder.destroyForcibly();
        assertTrue(holder.waitFor(30, TimeUnit.SECONDS));
        assertDoesNotThrow(() -> ImageLock.acquire(img, ImageLock.Mode.EXCLUSIVE, "heir").close());
    }

    @Test
    void theParentOfAChainIsClaimedSharedByTheVmWritingTheChild() throws Exception {
        assumeTrue(TestImages.qemuImgAvailable(), "qemu-img (Debian qemu-utils) is not installed");
        Path base = TestImages.qemuCreate(dir.resolve("base.vmdk"), "vmdk", 1 << 20);
        Path child = TestImages.qemuCreate(dir.resolve("child.vmdk"), "vmdk", 1 << 20, "-b", "base.vmdk",
                "-F", "vmdk");
        try (LockedImage running = LockedImage.open(child, ImageFormat.VMDK, true, "child-vm")) {
            assertEquals(2, running.locks().size());
            ImageInUseException e = assertThrows(ImageInUseException.class,
                    () -> LockedImage.open(base, ImageFormat.VMDK, true, "base-writer"));
            assertTrue(e.getMessage().contains("VM 'child-vm'") && e.getMessage().contains("reading"),
                    e.getMessage());
            LockedImage.open(base, ImageFormat.VMDK, false, "base-reader").close();
        }
        LockedImage.open(base, ImageFormat.VMDK, true, "base-writer").close();
    }

    @Test
    void aFailedOpenReleasesItsClaims() throws Exception {
        Path garbage = dir.resolve("bad.vmdk");
        Files.write(garbage, new byte[4096]);
        assertThrows(java.io.IOException.class, () -> LockedImage.open(garbage, ImageFormat.VMDK, true, "x"));
        assertDoesNotThrow(() -> ImageLock.acquire(garbage, ImageLock.Mode.EXCLUSIVE, "y").close());
    }

    @Test
    void aReadOnlyDirectoryStillLetsAVmReadItsImage() throws Exception {
        Path sub = Files.createDirectories(dir.resolve("ro"));
        Path img = TestImages.patternedRaw(sub, "cd.iso", 4096);
        try (ReadOnlyDirectory ro = ReadOnlyDirectory.of(sub)) {
            try (ImageLock lock = ImageLock.acquire(img, ImageLock.Mode.SHARED, "alpha")) {
                assertFalse(lock.named());
            }
            assertFalse(Files.exists(sub.resolve(".cd.iso.qvm-lock")), "no lock file appeared in the read-only dir");
        }
    }

    @Test
    void lockFilesSitHiddenBesideTheImage() throws Exception {
        Path img = image();
        ImageLock.acquire(img, ImageLock.Mode.SHARED, "alpha").close();
        assertEquals(List.of(".disk.raw.qvm-lock", "disk.raw"), Files.list(dir).map(p -> p.getFileName()
                .toString()).sorted().toList());
    }
}
