package org.pydl4j.nd.schedule;

import static org.pydl4j.util.json.JsonCodecs.DOUBLE_ARRAY;
import static org.pydl4j.util.json.JsonCodecs.INT_ARRAY;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import org.pydl4j.util.json.JsonType;

/**
 * Values given at chosen iterations or epochs, as ND4J's MapSchedule: the value at i is the one of the largest key
 * &lt;= i. The map must hold key 0. Built with {@code new MapSchedule(type, map)} or
 * {@code new MapSchedule.Builder(type).add(0, 0.1).add(100, 0.01).build()}.
 */
public class MapSchedule extends BaseSchedule {
    /** The saved fields (after BaseSchedule's). */
    public static final JsonType<MapSchedule> JSON = BaseSchedule.JSON.extend(MapSchedule.class, MapSchedule::new)
            .named("schedule.Map")
            .field("keys", INT_ARRAY, o -> o.keys, (o, v) -> o.keys = v)
            .field("values", DOUBLE_ARRAY, o -> o.values, (o, v) -> o.values = v)
            .check(s -> s.checkArrays())
            .build();

    // sorted keys and their values (arrays, so the configuration JSON keeps the keys as numbers)
    private int[] keys;
    private double[] values;

    private MapSchedule() {}

    public MapSchedule(ScheduleType scheduleType, Map<Integer, Double> values) {
        super(scheduleType);
        if (values == null || !values.containsKey(0)) {
            throw new IllegalArgumentException("MapSchedule: the map must hold a value for " + scheduleType + " 0, got keys " + (values == null ? null : values.keySet()));
        }
        TreeMap<Integer, Double> sorted = new TreeMap<>(values);
        if (sorted.firstKey() < 0) throw new IllegalArgumentException("MapSchedule: negative key " + sorted.firstKey());
        this.keys = new int[sorted.size()];
        this.values = new double[sorted.size()];
        int i = 0;
        for (Map.Entry<Integer, Double> e : sorted.entrySet()) {
            keys[i] = e.getKey();
            this.values[i++] = finite("value at " + e.getKey(), e.getValue());
        }
    }

    /** What the constructor guarantees, for a schedule read from a file: keys from 0, increasing, one value each. */
    private void checkArrays() {
        if (keys == null || values == null || keys.length != values.length || keys.length == 0 || keys[0] != 0) {
            throw new IllegalArgumentException("MapSchedule: needs as many values as keys, the first key 0");
        }
        for (int i = 1; i < keys.length; i++) {
            if (keys[i] <= keys[i - 1]) throw new IllegalArgumentException("MapSchedule: keys must increase, got " + keys[i - 1] + " then " + keys[i]);
        }
    }

    /** The schedule as a sorted map (a copy). */
    public Map<Integer, Double> getValues() {
        TreeMap<Integer, Double> m = new TreeMap<>();
        for (int i = 0; i < keys.length; i++) m.put(keys[i], values[i]);
        return m;
    }

    @Override
    public double valueAt(int iteration, int epoch) {
        int i = Arrays.binarySearch(keys, position(iteration, epoch));
        return values[Math.max(0, i >= 0 ? i : -i - 2)];
    }

    public static class Builder {
        private final ScheduleType scheduleType;
        private final Map<Integer, Double> values = new TreeMap<>();

        public Builder(ScheduleType scheduleType) { this.scheduleType = scheduleType; }

        public Builder add(int position, double value) { values.put(position, value); return this; }

        public MapSchedule build() { return new MapSchedule(scheduleType, values); }
    }
}
