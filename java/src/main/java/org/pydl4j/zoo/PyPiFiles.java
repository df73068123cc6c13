package org.pydl4j.zoo;

/**
 * Canonical file addresses on the Python package index's file host: {@code <base>/<stored path>}, the path the index's
 * simple API links to ({@code 31/14/5b90...aea2/<file>}: derived from the file's BLAKE2b-256, so it never changes and
 * names exactly one file; the redirecting {@code <tag>/<letter>/<project>/<file>} form is not served everywhere). The
 * base is
 * {@code https://files.pythonhosted.org/packages} unless system property {@code pydl4j.pypi.files} or environment
 * variable {@code PYDL4J_PYPI_FILES} names a mirror (tests point it at a loopback server).
 */
public final class PyPiFiles {
    private PyPiFiles() {}

    public static final String DEFAULT_BASE = "https://files.pythonhosted.org/packages";

    public static String base() {
        String b = System.getProperty("pydl4j.pypi.files");
        if (b == null || b.isEmpty()) b = System.getenv("PYDL4J_PYPI_FILES");
        if (b == null || b.isEmpty()) b = DEFAULT_BASE;
        return b.endsWith("/") ? b.substring(0, b.length() - 1) : b;
    }

    /** The address of one distribution file, from its stored path under the base. */
    public static String url(String storedPath) {
        if (storedPath.startsWith("/") || storedPath.contains("..")) throw new IllegalArgumentException("bad stored path " + storedPath);
        return base() + "/" + storedPath;
    }
}
