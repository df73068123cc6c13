package org.pydl4j.common.util;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads the entries of a tar stream (POSIX ustar, GNU long names 'L', PAX 'x'/'g' path records). Every header is
 * checksum-verified and every size bounded; the caller decides what to do with each entry type (links, devices).
 */
final class TarReader {
    static final int BLOCK = 512;
    /** Largest GNU long-name or PAX record read. */
    static final int MAX_META = 64 << 10;

    /** One entry: name, type flag, size; its content is read with {@link #content()} before the next entry. */
    static final class Entry {
        final String name;
        final char type;
        final long size;
        final String linkName;

        Entry(String name, char type, long size, String linkName) { this.name = name; this.type = type; this.size = size; this.linkName = linkName; }

        boolean isFile() { return type == '0' || type == '\0' || type == '7'; }
        boolean isDirectory() { return type == '5'; }
    }

    private final InputStream in;
    private final String source;
    private long remaining;     // content bytes of the current entry not yet read
    private long padding;       // bytes after the content up to the next block

    TarReader(InputStream in, String source) { this.in = in; this.source = source; }

    /** The next entry, or null at the end of the archive. */
    Entry next() throws IOException {
        skip(remaining + padding);
        remaining = padding = 0;
        String longName = null;
        while (true) {
            byte[] h = readBlock();
            if (h == null || allZero(h)) return null;
            verifyChecksum(h);
            String name = string(h, 0, 100);
            char type = (char) h[156];
            long size = octal(h, 124, 12);
            String link = string(h, 157, 100);
            if ("ustar".equals(string(h, 257, 5))) {
                String prefix = string(h, 345, 155);
                if (!prefix.isEmpty()) name = prefix + "/" + name;
            }
            if (type == 'L' || type == 'x' || type == 'g') {
                if (size > MAX_META) throw new IOException(source + ": tar metadata record of " + size + " bytes is too large");
                byte[] data = readFully((int) size);
                skip(pad(size));
                if (type == 'L') longName = new String(data, StandardCharsets.UTF_8).replace("\0", "");
                else if (type == 'x') {
                    String p = paxPath(data);
                    if (p != null) longName = p;
                }
                continue;
            }
            if (longName != null) name = longName;
            remaining = size;
            padding = pad(size);
            return new Entry(name, type, size, link);
        }
    }

    /** The current entry's content; read it fully or not at all. */
    InputStream content() {
        return new InputStream() {
            @Override public int read() throws IOException {
                if (remaining <= 0) return -1;
                int b = in.read();
                if (b < 0) throw new EOFException(source + ": truncated tar entry");
                remaining--;
                return b;
            }

            @Override public int read(byte[] buf, int off, int len) throws IOException {
                if (remaining <= 0) return -1;
                int n = in.read(buf, off, (int) Math.min(len, remaining));
                if (n < 0) throw new EOFException(source + ": truncated tar entry");
                remaining -= n;
                return n;
            }
        };
    }

    private static long pad(long size) { return (BLOCK - size % BLOCK) % BLOCK; }

    private byte[] readBlock() throws IOException {
        byte[] b = new byte[BLOCK];
        int off = 0;
        while (off < BLOCK) {
            int n = in.read(b, off, BLOCK - off);
            if (n < 0) {
                if (off == 0) return null;
                throw new EOFException(source + ": truncated tar header");
            }
            off += n;
        }
        return b;
    }

    private byte[] readFully(int n) throws IOException {
        byte[] b = in.readNBytes(n);
        if (b.length != n) throw new EOFException(source + ": truncated tar archive");
        return b;
    }

    private void skip(long n) throws IOException {
        while (n > 0) {
            long s = in.skip(n);
            if (s <= 0) {
                if (in.read() < 0) throw new EOFException(source + ": truncated tar archive");
                s = 1;
            }
            n -= s;
        }
    }

    private static boolean allZero(byte[] b) {
        for (byte x : b) if (x != 0) return false;
        return true;
    }

    private void verifyChecksum(byte[] h) throws IOException {
        long stored = octal(h, 148, 8);
        long sum = 0;
        for (int i = 0; i < BLOCK; i++) sum += (i >= 148 && i < 156) ? ' ' : (h[i] & 0xff);
        if (sum != stored) throw new IOException(source + ": not a tar archive or corrupt (header checksum " + stored + " != " + sum + ")");
    }

    private static String string(byte[] b, int off, int len) {
        int end = off;
        while (end < off + len && b[end] != 0) end++;
        return new String(b, off, end - off, StandardCharsets.UTF_8);
    }

    private long octal(byte[] b, int off, int len) throws IOException {
        if ((b[off] & 0x80) != 0) throw new IOException(source + ": tar entry with a base-256 size (over 8 GB) is not supported");
        long v = 0;
        boolean digits = false;
        for (int i = off; i < off + len; i++) {
            byte c = b[i];
            if (c == 0 || c == ' ') { if (digits) break; else continue; }
            if (c < '0' || c > '7') throw new IOException(source + ": corrupt tar header (bad octal field)");
            v = v * 8 + (c - '0');
            digits = true;
            if (v > (1L << 40)) throw new IOException(source + ": tar header field out of range");
        }
        return v;
    }

    /** The "path" of a PAX extended header ("LEN path=VALUE\n" records). */
    private static String paxPath(byte[] data) {
        String s = new String(data, StandardCharsets.UTF_8);
        for (String rec : s.split("\n")) {
            int sp = rec.indexOf(' ');
            if (sp < 0) continue;
            String kv = rec.substring(sp + 1);
            if (kv.startsWith("path=")) return kv.substring(5);
        }
        return null;
    }
}
