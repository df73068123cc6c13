package org.pydl4j.spark.transfer;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * Decode workers kept between the tasks of an executor JVM, so Python and its imports start once per executor
 * and core rather than once per task. A task takes a worker for its whole partition and gives it back only when
 * the partition went well; a worker that failed is closed, never reused.
 */
final class DecoderPool {
    private DecoderPool() {}

    private static final Map<DecoderSpec, Deque<DecoderProcess>> IDLE = new HashMap<>();

    static synchronized DecoderProcess take(DecoderSpec spec) throws IOException {
        Deque<DecoderProcess> idle = IDLE.get(spec);
        DecoderProcess process = idle == null ? null : idle.poll();
        return process != null && process.isAlive() ? process : new DecoderProcess(spec);
    }

    static synchronized void giveBack(DecoderSpec spec, DecoderProcess process) {
        if (!IDLE.containsKey(spec) && !IDLE.isEmpty()) {   // another job's decoders are no longer needed
            IDLE.values().forEach(q -> q.forEach(DecoderProcess::close));
            IDLE.clear();
        }
        IDLE.computeIfAbsent(spec, s -> new ArrayDeque<>()).push(process);
    }
}
