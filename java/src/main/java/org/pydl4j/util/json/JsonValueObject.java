package org.pydl4j.util.json;

/**
 * A configuration value compared, hashed and printed through its JSON tree (the same tree the network
 * configuration saves), so that equality means "saves the same": updaters, schedules, distributions.
 */
public abstract class JsonValueObject {
    @Override
    public boolean equals(Object o) {
        return o != null && o.getClass() == getClass() && JsonMapper.toJson(o).equals(JsonMapper.toJson(this));
    }

    @Override
    public int hashCode() { return JsonMapper.toJson(this).hashCode(); }

    @Override
    public String toString() { return getClass().getSimpleName() + JsonMapper.toJson(this).replaceAll("\\s+", " "); }

    /** A deep copy through the JSON tree. */
    protected Object jsonCopy() { return JsonMapper.deepCopy(this); }
}
