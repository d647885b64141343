package org.quasivm.vmm.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "disk", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = {
            "Disk images: inspect, create, convert, check and repair them, and work with differencing chains. "
                    + "Formats: raw, vmdk (VMware, VirtualBox), vhd (Hyper-V, Virtual PC; 'vpc' also accepted), "
                    + "vdi (VirtualBox), qcow2 (QEMU).",
            "",
            "An image's format is found by its magic bytes, never by its file name. --format declares it instead: "
                    + "an image declared raw is never reinterpreted, whatever its first bytes say (a guest can write "
                    + "any header into a raw disk).",
            "",
            "Long work shows a progress bar on a terminal and can be cancelled with Ctrl-C: the output is built "
                    + "aside and appears only when complete, so a failure or Ctrl-C leaves nothing half-written."},
        commandListHeading = "%nCommands:%n",
        footerHeading = "%nExamples:%n",
        footer = {
            "  quasivm disk info web1.vmdk --json",
            "  quasivm disk convert appliance.vmdk web1.qcow2 --format qcow2",
            "  quasivm disk create child.qcow2 --format qcow2 --parent base.vmdk",
            "  quasivm disk check web1.qcow2 --repair"},
        subcommands = {DiskInfoCommand.class, DiskCreateCommand.class, DiskConvertCommand.class,
            DiskCheckCommand.class, DiskCommitCommand.class, DiskRebaseCommand.class, DiskResizeCommand.class})
final class DiskCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a disk command is required");
    }
}
