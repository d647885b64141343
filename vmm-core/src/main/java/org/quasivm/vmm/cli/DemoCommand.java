package org.quasivm.vmm.cli;

import java.util.concurrent.Callable;

import org.quasivm.vmm.config.VmDefinition;
import org.quasivm.vmm.registry.VmRegistry;
import picocli.CommandLine.Command;

@Command(name = "demo", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = "Creates the demo VM 'demo' from the linux-i386 template (once) and shows it.")
final class DemoCommand extends VmCommand implements Callable<Integer> {

    static final String DEMO = "demo";

    @Override
    public Integer call() throws Exception {
        VmRegistry registry = root.registry();
        if (!registry.exists(DEMO)) {
            int code = QuasiVm.execute(new String[] {"create", DEMO, "--template", "linux-i386", "--home",
                    registry.home().toString()}, out(), err(), root.stdin());
            if (code != ExitCodes.OK) {
                return code;
            }
        }
        VmDefinition def = registry.load(DEMO);
        out().printf("Demo VM '%s' (%s, %d MiB) is in %s.%n", def.name(), def.guestOs(), def.memoryMiB(),
                registry.vmDirectory(DEMO));
        out().println("Booting it needs the PC machine (vmm-core's board and devices), which this build does not "
                + "have yet; 'quasivm show demo' shows its definition.");
        return ExitCodes.OK;
    }
}
