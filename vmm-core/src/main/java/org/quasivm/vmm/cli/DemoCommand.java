package org.quasivm.vmm.cli;

import java.util.List;
import java.util.concurrent.Callable;

import org.quasivm.templates.assets.AssetException;
import org.quasivm.templates.assets.CacheDirectory;
import org.quasivm.templates.assets.GuestAssetBuilder;
import org.quasivm.templates.assets.LinuxGuest;
import org.quasivm.vmm.registry.VmRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = {
            "Boots the demo guest: Debian's i686 Linux kernel with a busybox shell, built from Debian packages into "
                    + "the user's cache on first use. Creates the VM 'demo' from the linux-i386 template once, then "
                    + "runs it with the serial console on this terminal.",
            "",
            "In the guest, 'poweroff -f' stops it; Ctrl-C stops it from the host."})
final class DemoCommand extends VmCommand implements Callable<Integer> {

    static final String DEMO = "demo";
    static final String COMMAND_LINE = "console=ttyS0 panic=-1";

    @Option(names = "--executor", paramLabel = "auto|software|kvm", description = "Override the executor.")
    String executor;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "Stop the demo after this long.")
    Double timeoutSeconds;

    @Override
    public Integer call() throws Exception {
        VmRegistry registry = root.registry();
        String home = registry.home().toString();
        if (!registry.exists(DEMO)) {
            LinuxGuest guest;
            try {
                err().println("quasivm: preparing the demo guest (Debian kernel and busybox, cached after the "
                        + "first time)...");
                guest = new GuestAssetBuilder(CacheDirectory.resolve(), line -> err().println("quasivm: " + line))
                        .linuxBusybox();
            } catch (AssetException e) {
                throw new CliFailure(ExitCodes.IO_ERROR, "cannot build the demo guest: " + e.getMessage());
            }
            int code = QuasiVm.execute(new String[] {"create", DEMO, "--template", "linux-i386",
                    "--kernel", guest.kernel().toString(), "--initrd", guest.initrd().toString(),
                    "--append", COMMAND_LINE, "--home", home}, out(), err(), root.stdin());
            if (code != ExitCodes.OK) {
                return code;
            }
        }
        err().println("quasivm: booting 'demo' (" + registry.vmDirectory(DEMO) + "); its console follows. "
                + "'poweroff -f' in the guest or Ctrl-C stops it.");
        List<String> run = new java.util.ArrayList<>(List.of("run", DEMO, "--serial", "stdio", "--home", home));
        if (executor != null) {
            run.addAll(List.of("--executor", executor));
        }
        if (timeoutSeconds != null) {
            run.addAll(List.of("--timeout", String.valueOf(timeoutSeconds)));
        }
        return QuasiVm.execute(run.toArray(String[]::new), out(), err(), root.stdin());
    }
}
