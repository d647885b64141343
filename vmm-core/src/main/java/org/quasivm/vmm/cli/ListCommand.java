package org.quasivm.vmm.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.quasivm.vmm.config.VmDefinition;
import org.quasivm.vmm.registry.VmListing;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "list", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = "Lists the VMs in the home. A VM whose definition cannot be read is listed with its problem.")
final class ListCommand extends VmCommand implements Callable<Integer> {

    @Option(names = "--json", description = "Print a JSON array of {name, uuid, guestOs, memoryMiB, executor, "
            + "directory} (and 'problem' for unreadable definitions).")
    boolean json;

    @Override
    public Integer call() throws Exception {
        List<VmListing> vms = root.registry().list();
        if (json) {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (VmListing vm : vms) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("name", vm.name());
                if (vm.valid()) {
                    VmDefinition d = vm.definition();
                    row.put("uuid", d.uuid());
                    row.put("guestOs", d.guestOs());
                    row.put("memoryMiB", d.memoryMiB());
                    row.put("executor", d.cpu().executor().json());
                } else {
                    row.put("problem", vm.problem());
                }
                row.put("directory", vm.directory().toString());
                rows.add(row);
            }
            printJson(rows);
            return ExitCodes.OK;
        }
        if (vms.isEmpty()) {
            out().println("No VMs in " + root.registry().home());
            return ExitCodes.OK;
        }
        String format = "%-20s %-36s %-13s %8s  %s%n";
        out().printf(format, "NAME", "UUID", "GUEST OS", "MEMORY", "EXECUTOR");
        for (VmListing vm : vms) {
            if (vm.valid()) {
                VmDefinition d = vm.definition();
                out().printf(format, d.name(), d.uuid(), d.guestOs(), d.memoryMiB() + " MiB", d.cpu().executor().json());
            } else {
                out().printf("%-20s (unreadable: %s)%n", vm.name(), vm.problem());
            }
        }
        return ExitCodes.OK;
    }
}
