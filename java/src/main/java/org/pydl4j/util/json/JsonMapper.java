package org.pydl4j.util.json;

/**
 * Configuration objects to JSON text and back, through their declared fields ({@link JsonType}): every object
 * carries its stable type name ({@link TypeNames}) in a {@code "@type"} member, so that polymorphic fields (a
 * layer, a vertex, an updater) read back as the right type. Files written before type names (format 1) carry
 * {@code "@class"} Java class names instead: those are still read, but only for registered classes of the expected
 * type. Nothing here uses reflection.
 */
public final class JsonMapper {
    private JsonMapper() {}

    /** Format 1 (legacy): the Java class name. Read only. */
    public static final String CLASS_KEY = "@class";
    /** The stable type name ({@link TypeNames}). */
    public static final String TYPE_KEY = "@type";

    /** JSON text of a declared, named object. */
    public static String toJson(Object o) { return Json.write(toTree(o)); }

    /** The JSON tree of a declared, named object ({@code "@type"} first, then its declared fields). */
    public static Object toTree(Object o) { return JsonCodecs.object(Object.class).write(o); }

    /**
     * Reads JSON text written by {@link #toJson} as the expected type; a misfit is a {@link JsonFieldException}.
     * legacy: the text comes from a file of a format before declared fields (see {@link JsonPath}); text naming
     * Java classes ({@code "@class"}, format 1) always is.
     */
    public static <T> T fromJson(String json, Class<T> expected, boolean legacy) {
        Object tree = Json.parse(json);
        boolean format1 = tree instanceof java.util.Map && ((java.util.Map<?, ?>) tree).containsKey(CLASS_KEY);
        return JsonCodecs.object(expected).read(tree, JsonPath.root(expected.getSimpleName(), legacy || format1));
    }

    /** Reads JSON text of today's format (or format 1, which names Java classes). */
    public static <T> T fromJson(String json, Class<T> expected) { return fromJson(json, expected, false); }
}
