package org.pydl4j.nn.conf;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNotSame;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.BeforeClass;
import org.junit.Test;
import org.pydl4j.nd.schedule.CycleSchedule;
import org.pydl4j.nd.schedule.ExponentialSchedule;
import org.pydl4j.nd.schedule.FixedSchedule;
import org.pydl4j.nd.schedule.InverseSchedule;
import org.pydl4j.nd.schedule.MapSchedule;
import org.pydl4j.nd.schedule.PolySchedule;
import org.pydl4j.nd.schedule.RampSchedule;
import org.pydl4j.nd.schedule.ScheduleType;
import org.pydl4j.nd.schedule.SigmoidSchedule;
import org.pydl4j.nd.schedule.StepSchedule;
import org.pydl4j.nn.conf.layers.LayerKind;
import org.pydl4j.nn.conf.layers.LayerKinds;
import org.pydl4j.util.json.Json;
import org.pydl4j.util.json.JsonCodec;
import org.pydl4j.util.json.JsonCodecs;
import org.pydl4j.util.json.JsonField;
import org.pydl4j.util.json.JsonFieldException;
import org.pydl4j.util.json.JsonMapper;
import org.pydl4j.util.json.JsonPath;
import org.pydl4j.util.json.JsonType;
import org.pydl4j.util.json.TypeNames;

/**
 * Every saved configuration type (every registered type name, layer kinds included, so a new kind or type is covered
 * by registering it) declares each of its fields once, and that one declaration drives saving, reading, equality,
 * hashing and copying: changing any single declared field makes an object unequal, survives a save and read, and
 * never touches the copy it was made from.
 */
public class DeclaredFieldsTest {
    @BeforeClass
    public static void registered() { ConfigTypes.ensureRegistered(); }

    /** Valid objects of the types whose no-argument constructor leaves them invalid (a schedule needs its settings). */
    private static final Map<String, Object> EXAMPLES = Map.of(
            "schedule.Cycle", new CycleSchedule(ScheduleType.ITERATION, 0.5, 30),
            "schedule.Exponential", new ExponentialSchedule(ScheduleType.ITERATION, 0.1, 0.99),
            "schedule.Fixed", new FixedSchedule(0.03),
            "schedule.Inverse", new InverseSchedule(ScheduleType.ITERATION, 0.1, 0.01, 2),
            "schedule.Map", new MapSchedule.Builder(ScheduleType.ITERATION).add(0, 0.3).add(7, 0.1).build(),
            "schedule.Poly", new PolySchedule(ScheduleType.ITERATION, 0.1, 2, 100),
            "schedule.Ramp", new RampSchedule(new ExponentialSchedule(ScheduleType.EPOCH, 0.1, 0.9), 5),
            "schedule.Sigmoid", new SigmoidSchedule(ScheduleType.ITERATION, 0.1, 0.5, 10),
            "schedule.Step", new StepSchedule(ScheduleType.EPOCH, 0.2, 0.5, 2));

    /** A valid object of a registered type: its no-argument constructor's, or an example. */
    private static Object fresh(String name) {
        return EXAMPLES.containsKey(name) ? JsonType.valueCopy(EXAMPLES.get(name)) : TypeNames.typeNamed(name).create();
    }

    /** A value of the codec's kind that differs from current. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object different(JsonCodec<?> c, Object current) {
        if (c == JsonCodecs.DOUBLE || c == JsonCodecs.NULLABLE_DOUBLE) return Double.valueOf(0.375).equals(current) ? 0.625 : 0.375;
        if (c == JsonCodecs.INT || c == JsonCodecs.COUNT) return Integer.valueOf(7).equals(current) ? 8 : 7;
        if (c == JsonCodecs.LONG || c == JsonCodecs.SIZE) return Long.valueOf(11).equals(current) ? 12L : 11L;
        if (c == JsonCodecs.BOOLEAN) return !Boolean.TRUE.equals(current);
        if (c == JsonCodecs.STRING) return "x".equals(current) ? "y" : "x";
        if (c == JsonCodecs.INT_ARRAY) return current != null && ((int[]) current).length == 2 && ((int[]) current)[0] == 2 ? new int[]{4, 5} : new int[]{2, 3};
        if (c == JsonCodecs.DOUBLE_ARRAY) return current != null && ((double[]) current).length == 1 ? new double[]{0.5, 1.5} : new double[]{0.25};
        if (c instanceof JsonCodecs.Elements) {
            JsonCodec<?> e = ((JsonCodecs.Elements<?>) c).element();
            Object element = different(e, null);
            if (current instanceof Map) {
                LinkedHashMap<String, Object> m = new LinkedHashMap<>();
                m.put("k" + ((Map<?, ?>) current).size(), element);
                return m;
            }
            List<Object> l = new ArrayList<>();
            l.add(element);
            if (current != null) for (int i = 0; i < ((List<?>) current).size(); i++) l.add(element);
            return l;
        }
        if (c instanceof JsonCodecs.Typed) {
            Class<?> t = ((JsonCodecs.Typed<?>) c).valueClass();
            if (t.isEnum()) {
                for (Object k : t.getEnumConstants()) if (k != current) return k;
                throw new AssertionError(t + " has one constant");
            }
            for (Map.Entry<String, JsonType<?>> e : TypeNames.all().entrySet()) {   // another registered type of the base
                Class<?> k = e.getValue().javaClass();
                if (t.isAssignableFrom(k) && (current == null || k != current.getClass())) return fresh(e.getKey());
            }
            if (current == null) throw new AssertionError("no registered type is a " + t.getName());
            return null;
        }
        throw new AssertionError("no sample for codec " + c);
    }

    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    public void everyDeclaredFieldIsSavedComparedHashedAndCopied() {
        int checked = 0, refusedByChecks = 0;
        for (Map.Entry<String, JsonType<?>> e : TypeNames.all().entrySet()) {
            JsonType t = e.getValue();
            Object a = fresh(e.getKey());
            assertSame(t.javaClass(), a.getClass());
            Object copy = JsonType.valueCopy(a);
            assertNotSame(a, copy);
            assertTrue(e.getKey() + ": a copy equals", JsonType.valueEquals(a, copy) && a.equals(copy));
            assertEquals(e.getKey() + ": equal objects hash alike", a.hashCode(), copy.hashCode());
            String before = JsonMapper.toJson(a);
            for (Object o : t.fields()) {
                JsonField f = (JsonField) o;
                String where = e.getKey() + "." + f.key();
                Object b = JsonType.valueCopy(a);
                Object v = different(f.codec(), f.getter().apply(b));
                f.setter().accept(b, v);
                assertFalse(where + " takes part in equals", JsonType.valueEquals(a, b));
                assertEquals(where + ": changing the copy leaves the original", before, JsonMapper.toJson(a));
                assertTrue(where + ": setter and getter agree", f.codec().same(v, f.getter().apply(b)) || v == null);
                assertEquals(where + " is saved", Json.writeCompact(f.codec().write(v)), Json.writeCompact(JsonType.fieldsOf(b).get(f.key())));
                assertTrue(where + " reads back", f.codec().same(v, f.codec().read(f.codec().write(v), JsonPath.root(where, false))));
                Object back;
                try {
                    back = JsonMapper.fromJson(JsonMapper.toJson(b), Object.class);
                } catch (JsonFieldException invalid) {   // the sample breaks a check of the type (a schedule's keys, alpha without its activation): refused, as it should be
                    refusedByChecks++;
                    continue;
                }
                assertTrue(where + " survives a save and read", JsonType.valueEquals(b, back));
                assertEquals(where + ": the read object saves the same text", JsonMapper.toJson(b), JsonMapper.toJson(back));
                assertEquals(where + ": equal objects hash alike", JsonType.valueHash(b), JsonType.valueHash(back));
                String saved = JsonMapper.toJson(b);
                Object deep = JsonType.valueCopy(b);
                mutateInPlace(f.getter().apply(deep));
                assertEquals(where + ": a copy shares nothing mutable", saved, JsonMapper.toJson(b));
                checked++;
            }
        }
        assertTrue("checked " + checked + " fields (" + refusedByChecks + " samples refused by checks)", checked > 150 && refusedByChecks < checked / 10);
        System.out.println("DeclaredFieldsTest: " + checked + " fields round-tripped, " + refusedByChecks + " sample values refused by a type's checks");
    }

    /** Changes a mutable value inside (array element, collection content, a nested object's first field). */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void mutateInPlace(Object v) {
        if (v instanceof int[] && ((int[]) v).length > 0) ((int[]) v)[0] += 1;
        else if (v instanceof double[] && ((double[]) v).length > 0) ((double[]) v)[0] += 1;
        else if (v instanceof List) ((List) v).clear();
        else if (v instanceof Map) ((Map) v).clear();
        else if (v != null && TypeNames.nameOf(v.getClass()) != null) {
            List<JsonField> fields = (List) JsonType.of(v.getClass()).fields();
            if (!fields.isEmpty()) fields.get(0).setter().accept(v, different(fields.get(0).codec(), fields.get(0).getter().apply(v)));
        }
    }

    /**
     * A field added to a saved class must be declared (or it would silently not be saved): the number of instance
     * fields (all but transient ones) of every registered class and its superclasses equals the number it declares.
     * This test is the only place that looks at Java fields.
     */
    @Test
    public void everySavedClassDeclaresAllItsFields() {
        List<String> wrong = new ArrayList<>();
        for (Map.Entry<String, JsonType<?>> e : TypeNames.all().entrySet()) {
            List<String> javaFields = new ArrayList<>();
            for (Class<?> k = e.getValue().javaClass(); k != null && k != Object.class; k = k.getSuperclass()) {
                for (Field f : k.getDeclaredFields()) {
                    int m = f.getModifiers();
                    if (!Modifier.isStatic(m) && !Modifier.isTransient(m) && !f.isSynthetic()) javaFields.add(k.getSimpleName() + "." + f.getName());
                }
            }
            List<String> declared = new ArrayList<>();
            for (JsonField<?, ?> f : e.getValue().fields()) declared.add(f.key());
            if (javaFields.size() != declared.size()) wrong.add(e.getKey() + ": Java fields " + javaFields + ", declared " + declared);
        }
        assertTrue("declare every saved field in the class's JSON constant (or make it transient):\n" + String.join("\n", wrong), wrong.isEmpty());
    }

    @Test
    public void everyLayerKindIsASavedTypeWithItsDeclaredFields() {
        for (LayerKind<?> k : LayerKinds.all()) {
            assertSame(k.toString(), k.json(), TypeNames.typeNamed(k.name()));
            assertEquals(k.name(), TypeNames.nameOf(k.configClass()));
            assertNotNull(k.name(), JsonType.ofExactly(k.configClass()));
        }
    }
}
