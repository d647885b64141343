package org.quasivm.vmm.cli;

import java.io.PrintWriter;

import com.fasterxml.jackson.core.JsonProcessingException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** What every subcommand shares: the root (home, templates) and its output streams. */
abstract class VmCommand {

    @ParentCommand
    QuasiVm root;

    @Spec
    CommandSpec spec;

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    void printJson(Object value) {
        try {
            out().println(QuasiVm.JSON.writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("JSON output must always serialize", e);
        }
    }
}
