package org.pydl4j.nd.concurrency;

import org.pydl4j.nd.INDArray;

/** The single-device affinity manager: every thread and array is on device 0; placement calls change nothing. */
public class BasicAffinityManager implements AffinityManager {
    @Override public Integer getDeviceForCurrentThread() { return 0; }
    @Override public Integer getDeviceForThread(Thread thread) { return 0; }
    @Override public Integer getDeviceForThread(long threadId) { return 0; }
    @Override public Integer getDeviceForArray(INDArray array) { return 0; }
    @Override public void attachThreadToDevice(Thread thread, Integer deviceId) { check(deviceId); }
    @Override public void attachThreadToDevice(long threadId, Integer deviceId) { check(deviceId); }
    @Override public int getNumberOfDevices() { return 1; }

    @Override
    public INDArray replicateToDevice(Integer deviceId, INDArray array) {
        check(deviceId);
        return array;
    }

    @Override public void tagLocation(INDArray array, Location location) {}
    @Override public void touch(INDArray array) {}
    @Override public void unsafeSetDevice(Integer deviceId) { check(deviceId); }
    @Override public void ensureLocation(INDArray array, Location location) {}
    @Override public Location getActiveLocation(INDArray array) { return Location.HOST; }
    @Override public boolean isCrossDeviceAccessSupported() { return true; }
    @Override public void allowCrossDeviceAccess(boolean reallyAllow) {}

    private static void check(Integer deviceId) {
        if (deviceId == null || deviceId != 0) throw new IllegalArgumentException("device " + deviceId + " does not exist: this process uses one device (0)");
    }
}
