package org.quasivm.vmm.config;

/**
 * One thing wrong with a definition, located by its JSON path ({@code storage.ide.primaryMaster.image}); the empty
 * path means the document as a whole.
 */
public record DefinitionProblem(String path, String message) {

    @Override
    public String toString() {
        return path.isEmpty() ? message : path + ": " + message;
    }
}
