package org.pydl4j.zoo;

/**
 * Canonical file addresses on the Python package index's file host, as its integration guide gives them:
 * {@code <base>/<python tag>/<first letter>/<project>/<file>} (the host redirects to the stored file). The base is
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

    /** The address of one distribution file. */
    public static String url(String pythonTag, String project, String file) {
        return base() + "/" + pythonTag + "/" + project.charAt(0) + "/" + project + "/" + file;
    }
}
