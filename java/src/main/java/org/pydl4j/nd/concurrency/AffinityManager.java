package org.pydl4j.nd.concurrency;

import org.pydl4j.nd.INDArray;

/**
 * Which device a thread or an array belongs to, as ND4J's {@code AffinityManager}. This project runs on one device
 * per process, so the manager from {@code Nd4j.getAffinityManager()} is a no-op ({@link BasicAffinityManager}); code
 * written for ND4J (e.g. {@code Nd4j.getAffinityManager().getDeviceForCurrentThread()} in parallel iterators) runs
 * unchanged.
 */
public interface AffinityManager {
    enum Location { HOST, DEVICE, EVERYWHERE }

    Integer getDeviceForCurrentThread();

    Integer getDeviceForThread(Thread thread);

    Integer getDeviceForThread(long threadId);

    Integer getDeviceForArray(INDArray array);

    void attachThreadToDevice(Thread thread, Integer deviceId);

    void attachThreadToDevice(long threadId, Integer deviceId);

    int getNumberOfDevices();

    /** Makes a copy of the array available on the device; here the array itself. */
    INDArray replicateToDevice(Integer deviceId, INDArray array);

    void tagLocation(INDArray array, Location location);

    void touch(INDArray array);

    void unsafeSetDevice(Integer deviceId);

    void ensureLocation(INDArray array, Location location);

    Location getActiveLocation(INDArray array);

    boolean isCrossDeviceAccessSupported();

    void allowCrossDeviceAccess(boolean reallyAllow);
}
