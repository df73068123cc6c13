package org.pydl4j.util.json;

/**
 * A configuration JSON tree that does not fit the declared fields: an unknown or missing field, a value of the
 * wrong kind, a non-finite number, an absurd size, an unknown type name. {@link #where()} says which field of which
 * type ("Convolution.kernelSize[1]"); file readers wrap it with the file named.
 */
public class JsonFieldException extends IllegalArgumentException {
    private final String where;

    public JsonFieldException(String where, String problem) {
        super(where + ": " + problem);
        this.where = where;
    }

    /** The type and field path of the problem. */
    public String where() { return where; }
}
