package org.quasivm.disk;

import java.util.List;

/**
 * What {@code disk check} found.
 *
 * @param path           the image checked
 * @param format         its format, or null when it could not even be recognised
 * @param problems       errors (the image is damaged or cannot be opened) and warnings (it works, but something is off)
 * @param leakedClusters clusters allocated but referenced by nothing (wasted space, no harm to data)
 */
public record CheckReport(String path, ImageFormat format, List<Problem> problems, long leakedClusters) {

    public enum Severity { ERROR, WARNING }

    public record Problem(Severity severity, String message) {
    }

    public CheckReport {
        problems = List.copyOf(problems);
    }

    public boolean hasErrors() {
        return problems.stream().anyMatch(p -> p.severity() == Severity.ERROR);
    }

    /** No errors, no warnings, no leaks. */
    public boolean clean() {
        return problems.isEmpty() && leakedClusters == 0;
    }
}
