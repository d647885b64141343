package org.quasivm.vmm.cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.quasivm.vmm.registry.VmRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "delete", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = "Deletes a VM: its directory with its definition, the disk images it owns, snapshots and logs. "
                + "Images and ISOs outside the VM's directory are never deleted. Asks first unless --force.")
final class DeleteCommand extends VmCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "VM")
    String name;

    @Option(names = {"-f", "--force"}, description = "Do not ask for confirmation.")
    boolean force;

    @Override
    public Integer call() throws Exception {
        VmRegistry registry = root.registry();
        VmRegistry.DeletionPlan plan = registry.planDeletion(name);
        if (!force) {
            err().printf("This deletes %s and the %d file(s) in it.%n", plan.directory(), plan.ownedFiles().size());
            for (Path kept : plan.keptFiles()) {
                err().printf("  kept (not owned by this VM): %s%n", kept);
            }
            err().printf("Delete VM '%s'? [y/N] ", name);
            err().flush();
            String answer = new BufferedReader(new InputStreamReader(root.stdin(), StandardCharsets.UTF_8)).readLine();
            if (answer == null) {
                err().println();
            }
            if (answer == null || !(answer.trim().equalsIgnoreCase("y") || answer.trim().equalsIgnoreCase("yes"))) {
                throw new CliFailure(ExitCodes.FAILURE, "not deleted" + (answer == null
                        ? " (no answer on standard input; use --force in scripts)" : ""));
            }
        }
        registry.delete(name);
        out().printf("Deleted VM '%s'%n", name);
        return ExitCodes.OK;
    }
}
