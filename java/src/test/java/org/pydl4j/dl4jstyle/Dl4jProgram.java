package org.pydl4j.dl4jstyle;

import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Compiles a DL4J-style program (source text, written as DL4J's docs and examples write it with only the imports
 * changed) against the built classes with javax.tools, runs its {@code main}, and reads its public static result
 * fields. A compile error fails the test with javac's messages: that is what a DL4J user would hit.
 */
final class Dl4jProgram {
    private final Class<?> cls;
    private final File classDir;

    private Dl4jProgram(Class<?> cls, File classDir) { this.cls = cls; this.classDir = classDir; }

    /** Compiles the program (class name from "public class X") into a fresh folder. */
    static Dl4jProgram compile(String source) throws IOException {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("public class (\\w+)").matcher(source);
        assertTrue("program has a public class", m.find());
        String name = m.group(1);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) fail("no system Java compiler (a JDK is needed to run this test)");
        File out = Files.createTempDirectory("dl4j-program-").toFile();
        DiagnosticCollector<JavaFileObject> diags = new DiagnosticCollector<>();
        JavaFileObject file = new SimpleJavaFileObject(URI.create("string:///" + name + ".java"), JavaFileObject.Kind.SOURCE) {
            @Override public CharSequence getCharContent(boolean ignoreEncodingErrors) { return source; }
        };
        List<String> options = List.of("-classpath", System.getProperty("java.class.path"), "-d", out.getPath(), "-proc:none", "-nowarn");
        try (StandardJavaFileManager fm = javac.getStandardFileManager(diags, null, null)) {
            boolean ok = javac.getTask(null, fm, diags, options, null, List.of(file)).call();
            if (!ok) {
                StringBuilder sb = new StringBuilder("the DL4J-style program " + name + " does not compile:\n");
                for (Diagnostic<? extends JavaFileObject> d : diags.getDiagnostics()) {
                    if (d.getKind() == Diagnostic.Kind.ERROR) sb.append("  line ").append(d.getLineNumber()).append(": ").append(d.getMessage(null)).append('\n');
                }
                fail(sb.toString());
            }
        }
        URLClassLoader loader = new URLClassLoader(new URL[]{out.toURI().toURL()}, Dl4jProgram.class.getClassLoader());
        try {
            return new Dl4jProgram(loader.loadClass(name), out);
        } catch (ClassNotFoundException e) {
            throw new AssertionError("compiled class " + name + " not found", e);
        }
    }

    /**
     * Runs {@code main(String[])}; an exception thrown by the program is rethrown as is. The compiled classes are
     * deleted afterwards (every class the program uses is loaded by then).
     */
    Dl4jProgram run(String... args) throws Exception {
        Method main = cls.getMethod("main", String[].class);
        try {
            main.invoke(null, (Object) args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof Exception) throw (Exception) e.getCause();
            throw new AssertionError(e.getCause());
        } finally {
            try (java.util.stream.Stream<java.nio.file.Path> files = Files.walk(classDir.toPath())) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        return this;
    }

    /** A public static field the program set. */
    @SuppressWarnings("unchecked")
    <T> T get(String field) throws ReflectiveOperationException {
        Field f = cls.getField(field);
        return (T) f.get(null);
    }

    /** The numbers of a public static List<Double> field. */
    List<Double> doubles(String field) throws ReflectiveOperationException {
        return new ArrayList<>(this.<List<Double>>get(field));
    }
}
