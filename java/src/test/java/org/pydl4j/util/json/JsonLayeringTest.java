package org.pydl4j.util.json;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.Test;

/**
 * util.json sits below the model classes: it imports nothing of this library, and what a saved file names is
 * limited to registered type names or (legacy files) this library's own classes of the expected type.
 */
public class JsonLayeringTest {
    @Test
    public void utilJsonImportsNothingOfThisLibrary() throws IOException {
        Path dir = Paths.get("java/src/main/java/org/pydl4j/util/json");
        List<String> bad = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                    if (line.startsWith("import org.pydl4j.") || line.contains("org.pydl4j.nn.") || line.contains("org.pydl4j.nd.")) bad.add(f.getFileName() + ": " + line);
                }
            }
        }
        assertTrue("util.json depends on the model code: " + bad, bad.isEmpty());
    }

    /** A plain holder with a registered name. */
    public static class Holder {
        static final JsonType<Holder> JSON = JsonType.declare(Holder.class, Holder::new)
                .field("value", JsonCodecs.DOUBLE, o -> o.value, (o, v) -> o.value = v)
                .build();
        double value;

        @Override
        public boolean equals(Object o) { return JsonType.valueEquals(this, o); }

        @Override
        public int hashCode() { return JsonType.valueHash(this); }
    }

    @Test
    public void typeNamesAreWrittenAndForeignClassesRefused() {
        TypeNames.register("test.Holder", Holder.JSON);
        Holder h = new Holder();
        h.value = 3.5;
        String json = JsonMapper.toJson(h);
        assertTrue(json, json.contains("\"@type\": \"test.Holder\"") && !json.contains("@class"));
        assertEquals(3.5, JsonMapper.fromJson(json, Holder.class).value, 0);
        for (String hostile : new String[]{"{\"@class\": \"java.lang.ProcessBuilder\"}", "{\"@type\": \"no.such.Type\"}",
                "{\"@class\": \"org.pydl4j.util.json.JsonLayeringTest\"}"}) {
            try {
                JsonMapper.fromJson(hostile, Holder.class);
                fail("accepted " + hostile);
            } catch (IllegalArgumentException e) {
                assertTrue(e.getMessage(), e.getMessage().contains("JSON") || e.getMessage().contains("type"));
            }
        }
        Map<?, ?> tree = (Map<?, ?>) JsonMapper.toTree(h);
        assertEquals("test.Holder", tree.get(JsonMapper.TYPE_KEY));
    }
}
