package org.pydl4j.util.json;

/**
 * A configuration value with value semantics over its declared fields ({@link JsonType}: the same fields the
 * network configuration saves, so equality means "saves the same"): updaters, schedules, distributions.
 */
public abstract class JsonValueObject {
    @Override
    public boolean equals(Object o) { return JsonType.valueEquals(this, o); }

    @Override
    public int hashCode() { return JsonType.valueHash(this); }

    @Override
    public String toString() { return JsonType.valueString(this); }

    /** A deep copy through the declared fields. */
    protected Object jsonCopy() { return JsonType.valueCopy(this); }
}
