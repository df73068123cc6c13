package org.pydl4j.nd.backend;

import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.Test;

/** The cpu library and its bundled oneDNN/OpenBLAS stack load from the bundle folder, never from the host. */
public class BundledNativesTest {
    @Test
    public void cpuStackIsMappedFromTheBundleOnly() {
        NativeLoader.load("pydl4j_cpu");
        List<Path> cpu = NativeLoader.loaded().get("pydl4j_cpu");
        Path folder = cpu.get(cpu.size() - 1).toAbsolutePath().normalize().getParent();
        assertTrue("oneDNN, OpenBLAS and their runtimes are bundled: " + cpu, cpu.size() >= 5);
        List<Path> mapped = NativeInfo.mappedLibraries();
        for (String lib : new String[]{"libdnnl", "libopenblas", "libgfortran", "libquadmath", "libpydl4j_cpu"}) {
            assertTrue(lib + " mapped: " + mapped, mapped.stream().anyMatch(p -> p.getFileName().toString().startsWith(lib)));
        }
        for (Path p : mapped) {
            String name = p.getFileName().toString();
            if (name.matches("lib(dnnl|openblas|gfortran|quadmath|OpenCL|pydl4j_cpu).*")) {
                assertTrue(p + " is outside the bundle " + folder, p.toAbsolutePath().normalize().getParent().equals(folder));
            }
        }
        assertFalse(NativeInfo.report().contains("/usr/lib/x86_64-linux-gnu/libdnnl"));
        assertTrue(NativeInfo.report(), NativeInfo.report().contains("loaded libpydl4j_cpu.so with " + (cpu.size() - 1) + " bundled dependencies from " + folder));
    }
}
