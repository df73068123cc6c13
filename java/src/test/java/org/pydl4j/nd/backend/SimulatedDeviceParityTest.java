package org.pydl4j.nd.backend;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.pydl4j.nd.backend.cpu.SimulatedDeviceBackend;

/**
 * The shared {@link BackendParitySuite} through the device-resident path ({@link DeviceBackend}) on a simulated
 * device: the same address/copy bookkeeping as the cuda backend, with the cpu kernels. Runs on every machine, so the
 * residency logic the cuda backend relies on is tested without a GPU. Tolerance as for the cpu backend.
 */
public class SimulatedDeviceParityTest extends BackendParitySuite {
    private static ParityCheck check;

    @BeforeClass
    public static void load() { check = new ParityCheck(new SimulatedDeviceBackend(), 1e-4); }

    @AfterClass
    public static void summary() { if (check != null) System.out.print(check.summary()); }

    @Override
    protected ParityCheck check() { return check; }
}
