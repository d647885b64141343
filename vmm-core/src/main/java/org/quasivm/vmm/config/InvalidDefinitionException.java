package org.quasivm.vmm.config;

import java.util.List;
import java.util.stream.Collectors;

/** A definition that cannot be used, with every problem found. Each renders as one line naming the file and path. */
public final class InvalidDefinitionException extends Exception {

    private final String source;
    private final transient List<DefinitionProblem> problems;

    public InvalidDefinitionException(String source, List<DefinitionProblem> problems) {
        super(render(source, problems));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("an invalid definition needs at least one problem");
        }
        this.source = source;
        this.problems = List.copyOf(problems);
    }

    public String source() {
        return source;
    }

    public List<DefinitionProblem> problems() {
        return problems;
    }

    /** One line per problem: {@code <source>: <path>: <message>}. */
    public List<String> lines() {
        return problems.stream().map(p -> source + ": " + p).toList();
    }

    private static String render(String source, List<DefinitionProblem> problems) {
        return problems.stream().map(p -> source + ": " + p).collect(Collectors.joining("\n"));
    }
}
