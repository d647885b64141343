package org.quasivm.vmm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quasivm.vmm.storage.ImageLock;

/** {@code quasivm run} with storage: a disk one VM writes cannot be written by a second, which is told by whom. */
class StorageRunTest {

    @TempDir
    Path home;
    @TempDir
    Path work;

    private static Path guest(String name) {
        return Path.of(System.getProperty("quasivm.repo.root"), "vmm-core/src/test/guests", name + ".bin");
    }

    @Test
    void aSecondVmCannotWriteTheDiskTheFirstIsRunningOn() throws Exception {
        Path disk = work.resolve("shared.raw");
        Files.write(disk, new byte[1 << 20]);
        String h = home.toString();
        for (String vm : new String[] {"alpha", "beta"}) {
            Cli.Result r = Cli.run("create", vm, "--template", "blank", "--bios", guest("serial").toString(),
                    "--memory", "16", "--attach", disk.toString(), "--home", h);
            assertEquals(0, r.code(), r.err());
        }
        CompletableFuture<Cli.Result> alpha = CompletableFuture.supplyAsync(() -> Cli.run("run", "alpha",
                "--clock", "deterministic", "--serial", "none", "--timeout", "20", "--home", h));
        Path lockFile = ImageLock.lockFileOf(disk);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!(Files.exists(lockFile) && Files.readString(lockFile).contains("alpha"))) {
            assertTrue(System.nanoTime() < deadline, "alpha never claimed its disk");
            Thread.sleep(20);
        }
        Cli.Result beta = Cli.run("run", "beta", "--clock", "deterministic", "--serial", "none", "--timeout", "5",
                "--home", h);
        assertEquals(ExitCodes.CONFLICT, beta.code(), beta.err());
        assertTrue(beta.err().contains("storage.ide.primaryMaster.image: " + disk.toRealPath() + ": in use by VM "
                + "'alpha'"), beta.err());
        assertEquals(0, alpha.get(60, TimeUnit.SECONDS).code(), alpha.get().err());
        Cli.Result again = Cli.run("run", "beta", "--clock", "deterministic", "--serial", "none", "--timeout", "1",
                "--home", h);
        assertEquals(0, again.code(), "alpha's claim ended with its run: " + again.err());
    }
}
