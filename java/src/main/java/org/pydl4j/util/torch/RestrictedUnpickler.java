package org.pydl4j.util.torch;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A pickle interpreter that only builds data: numbers, strings, lists, tuples, dicts, and the few PyTorch globals a
 * state dict names (storage types, {@code _rebuild_tensor_v2}, {@code _rebuild_parameter}, {@code OrderedDict}).
 * No code runs: any other global is a {@link TorchFormatException}. Hostile input is bounded: lengths are checked
 * against the bytes left before anything is allocated, the stack, memo and nesting depth are capped, and dict keys
 * must be strings or numbers (so no deep structure is ever hashed).
 */
final class RestrictedUnpickler {
    /** A Python tuple. */
    record Tuple(List<Object> items, int depth) {}

    /** A global the file named (only the allowed ones are ever created). */
    record Global(String module, String name) {}

    /** What {@code persistent_load} turns a persistent id into. */
    interface PersistentLoader {
        Object load(Tuple pid) throws TorchFormatException;
    }

    static final int MAX_DEPTH = 1000;
    private static final int MAX_STACK = 1 << 20, MAX_MEMO = 1 << 20;

    private final ByteBuffer in;
    private final String source;
    private final PersistentLoader persistent;
    private final List<Object> stack = new ArrayList<>();
    private final List<Integer> marks = new ArrayList<>();
    private final Map<Long, Object> memo = new HashMap<>();
    private static final Object MARK = new Object();

    RestrictedUnpickler(ByteBuffer in, String source, PersistentLoader persistent) {
        this.in = in.order(ByteOrder.LITTLE_ENDIAN);
        this.source = source;
        this.persistent = persistent;
    }

    private TorchFormatException bad(String what) { return new TorchFormatException(source + ": " + what); }

    /** Reads one pickle, leaving the buffer just after its STOP opcode. */
    Object load() throws TorchFormatException {
        try {
            while (true) {
                int op = in.get() & 0xff;
                switch (op) {
                    case 0x80 -> { int proto = u8(); if (proto > 5) throw bad("pickle protocol " + proto); }   // PROTO
                    case 0x95 -> { long n = in.getLong(); if (n < 0 || n > in.remaining()) throw bad("frame longer than the file"); }   // FRAME
                    case '.' -> { Object v = pop(); if (!stack.isEmpty()) throw bad("stack not empty at STOP"); return v; }
                    case '(' -> { marks.add(stack.size()); if (marks.size() > MAX_DEPTH) throw bad("marks nested too deep"); }
                    case 'N' -> push(null);
                    case 0x88 -> push(Boolean.TRUE);
                    case 0x89 -> push(Boolean.FALSE);
                    case 'K' -> push((long) u8());
                    case 'M' -> push((long) (in.getShort() & 0xffff));
                    case 'J' -> push((long) in.getInt());
                    case 0x8a -> push(longN(u8()));                                   // LONG1
                    case 0x8b -> push(longN(len(in.getInt())));                       // LONG4
                    case 'G' -> push(in.order(ByteOrder.BIG_ENDIAN).getDouble());   // BINFLOAT
                    case 'X' -> push(text(len(in.getInt())));                         // BINUNICODE
                    case 0x8c -> push(text(u8()));                                    // SHORT_BINUNICODE
                    case 0x8d -> push(text(len(in.getLong())));                       // BINUNICODE8
                    case 'T' -> push(text(len(in.getInt())));                         // BINSTRING (ascii names only)
                    case 'U' -> push(text(u8()));                                     // SHORT_BINSTRING
                    case 'C' -> push(bytes(u8()));                                    // SHORT_BINBYTES
                    case 'B' -> push(bytes(len(in.getInt())));                        // BINBYTES
                    case '}' -> push(new LinkedHashMap<Object, Object>());
                    case ']' -> push(new ArrayList<Object>());
                    case ')' -> push(new Tuple(List.of(), 1));
                    case 't' -> push(tuple(popMark()));
                    case 0x85 -> push(tuple(popN(1)));
                    case 0x86 -> push(tuple(popN(2)));
                    case 0x87 -> push(tuple(popN(3)));
                    case 'l' -> push(new ArrayList<>(popMark()));                     // LIST
                    case 'd' -> { Map<Object, Object> m = new LinkedHashMap<>(); putAll(m, popMark()); push(m); }   // DICT
                    case 'a' -> { Object v = pop(); list(peek()).add(v); }            // APPEND
                    case 'e' -> { List<Object> items = popMark(); list(peek()).addAll(items); }   // APPENDS
                    case 's' -> { Object v = pop(), k = pop(); putAll(dict(peek()), List.of(k, v)); }   // SETITEM
                    case 'u' -> { List<Object> items = popMark(); putAll(dict(peek()), items); }        // SETITEMS
                    case 'q' -> memoPut(u8());                                        // BINPUT
                    case 'r' -> memoPut(in.getInt() & 0xffffffffL);                   // LONG_BINPUT
                    case 0x94 -> memoPut(memo.size());                                // MEMOIZE
                    case 'h' -> push(memoGet(u8()));                                  // BINGET
                    case 'j' -> push(memoGet(in.getInt() & 0xffffffffL));             // LONG_BINGET
                    case 'c' -> push(global(line(), line()));                         // GLOBAL
                    case 0x93 -> { Object name = pop(), module = pop(); push(global(str(module), str(name))); }   // STACK_GLOBAL
                    case 'R' -> { Object args = pop(), fn = pop(); push(Rebuild.call(fn, args, source)); }      // REDUCE
                    case 0x81 -> { Object args = pop(), cls = pop(); push(Rebuild.call(cls, args, source)); }   // NEWOBJ
                    case 'b' -> { Object state = pop(); if (!(peek() instanceof Map)) throw bad("BUILD on a " + kind(peek())); }   // BUILD: an OrderedDict's _metadata, not needed
                    case 'Q' -> {                                                     // BINPERSID
                        Object pid = pop();
                        if (persistent == null || !(pid instanceof Tuple t)) throw bad("storage reference outside the object pickle");
                        push(persistent.load(t));
                    }
                    case '0' -> pop();                                                // POP
                    case '2' -> push(peek());                                         // DUP
                    default -> throw bad(String.format("unsupported pickle opcode 0x%02x at byte %d", op, in.position() - 1));
                }
            }
        } catch (java.nio.BufferUnderflowException e) {
            throw bad("pickle is cut off (truncated file)");
        }
    }

    private int u8() { return in.get() & 0xff; }

    private int len(long n) throws TorchFormatException {
        if (n < 0 || n > in.remaining()) throw bad("a length of " + n + " bytes exceeds the " + in.remaining() + " left");
        return (int) n;
    }

    private byte[] bytes(int n) throws TorchFormatException {
        byte[] b = new byte[len(n)];
        in.get(b);
        return b;
    }

    private String text(int n) throws TorchFormatException { return new String(bytes(n), StandardCharsets.UTF_8); }

    private String line() throws TorchFormatException {
        StringBuilder sb = new StringBuilder();
        for (int c; (c = u8()) != '\n'; ) {
            if (sb.length() > 256) throw bad("global name longer than 256 characters");
            sb.append((char) c);
        }
        return sb.toString();
    }

    private Object longN(int n) throws TorchFormatException {
        if (n > 64) throw bad("integer of " + n + " bytes");
        byte[] le = bytes(n);
        if (n == 0) return 0L;
        byte[] be = new byte[n];
        for (int i = 0; i < n; i++) be[i] = le[n - 1 - i];
        BigInteger v = new BigInteger(be);
        return v.bitLength() < 64 ? (Object) v.longValue() : v;
    }

    private Object global(String module, String name) throws TorchFormatException {
        Object g = Rebuild.global(module, name);
        if (g == null) {
            throw bad("forbidden global " + module + "." + name + " in pickle; only PyTorch state dicts of tensors are "
                    + "accepted (re-save with torch.save(model.state_dict(), path))");
        }
        return g;
    }

    private void push(Object o) throws TorchFormatException {
        if (stack.size() >= MAX_STACK) throw bad("pickle stack deeper than " + MAX_STACK);
        stack.add(o);
    }

    private Object pop() throws TorchFormatException {
        if (stack.isEmpty() || (!marks.isEmpty() && marks.get(marks.size() - 1) == stack.size())) throw bad("pickle stack underflow");
        return stack.remove(stack.size() - 1);
    }

    private Object peek() throws TorchFormatException {
        if (stack.isEmpty()) throw bad("pickle stack underflow");
        return stack.get(stack.size() - 1);
    }

    private List<Object> popN(int n) throws TorchFormatException {
        Object[] items = new Object[n];
        for (int i = n - 1; i >= 0; i--) items[i] = pop();
        return java.util.Arrays.asList(items);
    }

    private List<Object> popMark() throws TorchFormatException {
        if (marks.isEmpty()) throw bad("pickle has no MARK to pop to");
        int at = marks.remove(marks.size() - 1);
        List<Object> items = new ArrayList<>(stack.subList(at, stack.size()));
        stack.subList(at, stack.size()).clear();
        return items;
    }

    private Tuple tuple(List<Object> items) throws TorchFormatException {
        int depth = 1;
        for (Object o : items) if (o instanceof Tuple t) depth = Math.max(depth, t.depth() + 1);
        if (depth > MAX_DEPTH) throw bad("tuples nested more than " + MAX_DEPTH + " deep (corrupt or hostile file)");
        return new Tuple(java.util.Collections.unmodifiableList(new ArrayList<>(items)), depth);
    }

    private void putAll(Map<Object, Object> m, List<Object> kv) throws TorchFormatException {
        if (kv.size() % 2 != 0) throw bad("odd number of dict items");
        for (int i = 0; i < kv.size(); i += 2) {
            Object k = kv.get(i);
            if (!(k instanceof String || k instanceof Long || k instanceof Boolean || k instanceof BigInteger)) {
                throw bad("dict key is a " + kind(k) + "; a state dict's keys are names");
            }
            m.put(k, kv.get(i + 1));
        }
    }

    @SuppressWarnings("unchecked")
    private List<Object> list(Object o) throws TorchFormatException {
        if (o instanceof List<?> l && !(o instanceof Tuple)) return (List<Object>) l;
        throw bad("APPEND to a " + kind(o));
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> dict(Object o) throws TorchFormatException {
        if (o instanceof Map<?, ?> m) return (Map<Object, Object>) m;
        throw bad("SETITEM on a " + kind(o));
    }

    private void memoPut(long key) throws TorchFormatException {
        if (memo.size() >= MAX_MEMO && !memo.containsKey(key)) throw bad("pickle memo larger than " + MAX_MEMO);
        memo.put(key, peek());
    }

    private Object memoGet(long key) throws TorchFormatException {
        if (!memo.containsKey(key)) throw bad("pickle refers to memo entry " + key + " that was never stored");
        return memo.get(key);
    }

    private static String str(Object o) throws TorchFormatException {
        if (o instanceof String s) return s;
        throw new TorchFormatException("STACK_GLOBAL with a " + kind(o) + " as name");
    }

    static String kind(Object o) { return o == null ? "None" : o.getClass().getSimpleName(); }
}
