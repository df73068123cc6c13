package org.pydl4j.util.json;

/**
 * Where a value is being read ("ComputationGraphConfiguration.vertices.conv(Convolution).kernelSize[1]", for errors)
 * and how strictly: files of formats before declared fields (1 and 2) may lack fields added since (they keep the
 * constructor's value, as those files always did); newer files must have every declared field.
 *
 * @param where the path so far
 * @param legacy true for a format-1 or format-2 file
 */
public record JsonPath(String where, boolean legacy) {
    /** The root of a document. */
    public static JsonPath root(String what, boolean legacy) { return new JsonPath(what, legacy); }

    public JsonPath field(String key) { return new JsonPath(where + "." + key, legacy); }

    public JsonPath index(int i) { return new JsonPath(where + "[" + i + "]", legacy); }

    /** An object of the named saved type at this place. */
    public JsonPath typed(String typeName) { return new JsonPath(where + "(" + typeName + ")", legacy); }

    /** The error for a problem here. */
    public JsonFieldException error(String problem) { return new JsonFieldException(where, problem); }

    @Override
    public String toString() { return where; }
}
