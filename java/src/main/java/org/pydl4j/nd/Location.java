package org.pydl4j.nd;

/** Where an array's newest values are (as ND4J's AffinityManager.Location). */
public enum Location {
    /** Host memory only: no device copy, or host code changed the array since the device copy was made. */
    HOST,
    /** The device only: a device op wrote the array; reading it from the host copies it back first. */
    DEVICE,
    /** Host and device copies are equal. */
    EVERYWHERE
}
