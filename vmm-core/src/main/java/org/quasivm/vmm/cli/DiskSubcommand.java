package org.quasivm.vmm.cli;

import java.io.PrintWriter;

import com.fasterxml.jackson.core.JsonProcessingException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** What the {@code quasivm disk ...} commands share: output streams and JSON printing. */
abstract class DiskSubcommand {

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
