package org.pydl4j.nd.backend;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which backend computes and where every native library in this process was loaded from: the files
 * {@link NativeLoader} loaded, and the shared libraries of the native stack (oneDNN, OpenBLAS, OpenMP, Fortran and
 * C++ runtimes, cuDNN/cuBLAS) the process has mapped according to {@code /proc/self/maps}, so a copy the host
 * provided instead of the bundle shows up. Run it as {@code java -cp pydl4j-transfer.jar
 * org.pydl4j.nd.backend.NativeInfo}; Python's {@code pydl4j-transfer info --system} prints the same report.
 */
public final class NativeInfo {
    private NativeInfo() {}

    private static final Pattern STACK = Pattern.compile(
            "lib(pydl4j_\\w+|dnnl|openblas\\w*|gomp|gfortran|quadmath|OpenCL|stdc\\+\\+|gcc_s|cudnn\\w*|cublas\\w*)([-.].*)?\\.so.*");

    /** The native stack's shared libraries this process has mapped, by path, in mapping order. */
    public static List<Path> mappedLibraries() {
        Set<Path> out = new LinkedHashSet<>();
        try {
            for (String line : Files.readAllLines(Paths.get("/proc/self/maps"))) {
                int slash = line.indexOf('/');
                if (slash < 0) continue;
                Path p = Paths.get(line.substring(slash).replace(" (deleted)", ""));
                if (STACK.matcher(p.getFileName().toString()).matches()) out.add(p);
            }
        } catch (IOException e) {
            return List.of();   // not Linux: nothing to show beyond what NativeLoader loaded
        }
        return new ArrayList<>(out);
    }

    /** The report: backend, then each library NativeLoader loaded and each mapped library of the native stack. */
    public static String report() {
        StringBuilder sb = new StringBuilder();
        sb.append("backend: ").append(Backends.current().name()).append('\n');
        sb.append("java: ").append(System.getProperty("java.version")).append(" (").append(System.getProperty("java.home")).append(")\n");
        for (Map.Entry<String, List<Path>> e : NativeLoader.loaded().entrySet()) {
            sb.append("loaded lib").append(e.getKey()).append(".so with ").append(e.getValue().size() - 1)
                    .append(" bundled dependencies from ").append(e.getValue().get(e.getValue().size() - 1).getParent()).append('\n');
        }
        if (NativeLoader.loaded().isEmpty()) sb.append("loaded: no native library (the reference backend is pure Java)\n");
        for (Path p : mappedLibraries()) sb.append("mapped: ").append(p).append('\n');
        return sb.toString();
    }

    /** Prints {@link #report()} after selecting the backend named by the first argument, if any. */
    public static void main(String[] args) {
        if (args.length > 0) Backends.select(args[0]);
        System.out.print(report());
    }
}
