package org.quasivm.vmm.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.quasivm.templates.GuestTemplate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "templates", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = "Lists the guest templates 'create --template' accepts, with what a new VM gets from each.")
final class TemplatesCommand extends VmCommand implements Callable<Integer> {

    @Option(names = "--json", description = "Print a JSON array of templates with their full defaults.")
    boolean json;

    @Override
    public Integer call() {
        List<GuestTemplate> all = root.templates().all();
        if (json) {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (GuestTemplate t : all) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("id", t.id());
                row.put("name", t.name());
                row.put("description", t.description());
                row.put("memoryMiB", t.memoryMiB());
                row.put("newDisk", Map.of("sizeMiB", t.newDisk().sizeMiB(), "format", t.newDisk().format()));
                row.put("bootOrder", t.bootOrder());
                row.put("defaults", t.defaults());
                rows.add(row);
            }
            printJson(rows);
            return ExitCodes.OK;
        }
        String format = "%-13s %-34s %8s %12s  %s%n";
        out().printf(format, "ID", "NAME", "MEMORY", "NEW DISK", "BOOT ORDER");
        for (GuestTemplate t : all) {
            out().printf(format, t.id(), t.name(), t.memoryMiB() + " MiB",
                    Sizes.format(t.newDisk().sizeMiB() << 20) + " " + t.newDisk().format(),
                    String.join(", ", t.bootOrder()));
        }
        return ExitCodes.OK;
    }
}
