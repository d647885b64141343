package org.quasivm.vmm.cli;

import org.quasivm.vmm.config.DefinitionValidator;

/** VM names given on the command line. */
final class Names {

    private Names() {
    }

    static void require(String name) {
        if (!DefinitionValidator.NAME.matcher(name).matches()) {
            throw new CliFailure(ExitCodes.USAGE, "'" + name + "' is not a valid VM name (letters, digits, '.', "
                    + "'_', '-'; starting with a letter or digit; at most 64 characters)");
        }
    }
}
