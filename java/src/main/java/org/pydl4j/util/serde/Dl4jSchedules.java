package org.pydl4j.util.serde;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.pydl4j.nd.schedule.CycleSchedule;
import org.pydl4j.nd.schedule.ExponentialSchedule;
import org.pydl4j.nd.schedule.FixedSchedule;
import org.pydl4j.nd.schedule.ISchedule;
import org.pydl4j.nd.schedule.InverseSchedule;
import org.pydl4j.nd.schedule.MapSchedule;
import org.pydl4j.nd.schedule.PolySchedule;
import org.pydl4j.nd.schedule.RampSchedule;
import org.pydl4j.nd.schedule.ScheduleType;
import org.pydl4j.nd.schedule.SigmoidSchedule;
import org.pydl4j.nd.schedule.StepSchedule;

/**
 * Learning-rate schedules in DL4J's configuration JSON ({@code "learningRateSchedule" : {"@class" :
 * "org.nd4j.linalg.schedule.StepSchedule", "scheduleType" : "ITERATION", ...}}), both ways. Values are checked by the
 * schedules' constructors; an unknown schedule is an IllegalArgumentException naming it.
 */
final class Dl4jSchedules {
    private Dl4jSchedules() {}

    private static final String PACKAGE = "org.nd4j.linalg.schedule.";
    /** Nesting limit for RampSchedule's base schedule (hostile files). */
    private static final int MAX_DEPTH = 8;

    static Map<String, Object> toJson(ISchedule s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("@class", PACKAGE + s.getClass().getSimpleName());
        if (s instanceof MapSchedule) {
            m.put("scheduleType", ((MapSchedule) s).getScheduleType().name());
            Map<String, Object> v = new LinkedHashMap<>();
            for (Map.Entry<Integer, Double> e : ((MapSchedule) s).getValues().entrySet()) v.put(String.valueOf(e.getKey()), e.getValue());
            m.put("values", v);
        } else if (s instanceof RampSchedule) {
            m.put("baseSchedule", toJson(((RampSchedule) s).getBaseSchedule()));
            m.put("numIter", ((RampSchedule) s).getNumIter());
        } else {
            // the other schedules' fields carry ND4J's JSON names (scheduleType, initialValue, gamma, ...)
            m.putAll(org.pydl4j.util.json.JsonType.fieldsOf(s));
        }
        return m;
    }

    static ISchedule fromJson(Object json, String where) { return fromJson(json, where, 0); }

    @SuppressWarnings("unchecked")
    private static ISchedule fromJson(Object json, String where, int depth) {
        if (!(json instanceof Map) || depth > MAX_DEPTH) throw new IllegalArgumentException(where + ": learning-rate schedule is not a JSON object (or nested too deeply)");
        Map<String, Object> m = (Map<String, Object>) json;
        String cls = String.valueOf(m.get("@class"));
        String name = cls.substring(cls.lastIndexOf('.') + 1);
        switch (name) {
            case "FixedSchedule": return new FixedSchedule(num(m, "value", where));
            case "StepSchedule": return new StepSchedule(type(m, where), num(m, "initialValue", where), num(m, "decayRate", where), num(m, "step", where));
            case "ExponentialSchedule": return new ExponentialSchedule(type(m, where), num(m, "initialValue", where), num(m, "gamma", where));
            case "InverseSchedule": return new InverseSchedule(type(m, where), num(m, "initialValue", where), num(m, "gamma", where), num(m, "power", where));
            case "PolySchedule": return new PolySchedule(type(m, where), num(m, "initialValue", where), num(m, "power", where), (int) num(m, "maxIter", where));
            case "SigmoidSchedule": return new SigmoidSchedule(type(m, where), num(m, "initialValue", where), num(m, "gamma", where), (int) num(m, "stepSize", where));
            case "CycleSchedule": return new CycleSchedule(type(m, where), num(m, "initialLearningRate", where), num(m, "maxLearningRate", where),
                    (int) num(m, "cycleLength", where), (int) num(m, "annealingLength", where), num(m, "annealingDecay", where));
            case "RampSchedule": return new RampSchedule(fromJson(m.get("baseSchedule"), where, depth + 1), (int) num(m, "numIter", where));
            case "MapSchedule": {
                if (!(m.get("values") instanceof Map)) throw new IllegalArgumentException(where + ": MapSchedule without values");
                Map<Integer, Double> v = new TreeMap<>();
                for (Map.Entry<String, Object> e : ((Map<String, Object>) m.get("values")).entrySet()) {
                    try {
                        v.put(Integer.parseInt(e.getKey()), ((Number) e.getValue()).doubleValue());
                    } catch (RuntimeException ex) {
                        throw new IllegalArgumentException(where + ": MapSchedule entry " + e.getKey() + " = " + e.getValue() + " is not position -> number");
                    }
                }
                return new MapSchedule(type(m, where), v);
            }
            default: throw new IllegalArgumentException(where + ": learning-rate schedule " + cls + " is not supported");
        }
    }

    private static double num(Map<String, Object> m, String key, String where) {
        Object v = m.get(key);
        if (!(v instanceof Number)) throw new IllegalArgumentException(where + ": schedule field '" + key + "' is missing or not a number");
        return ((Number) v).doubleValue();
    }

    private static ScheduleType type(Map<String, Object> m, String where) {
        try {
            return ScheduleType.valueOf(String.valueOf(m.get("scheduleType")));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": scheduleType '" + m.get("scheduleType") + "' is neither ITERATION nor EPOCH");
        }
    }
}
