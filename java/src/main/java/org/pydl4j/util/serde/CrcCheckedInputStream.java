package org.pydl4j.util.serde;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.CRC32;

/**
 * A zip entry's bytes checked against the CRC-32 its directory declares. {@code ZipFile} does not check it (a flipped
 * bit in a STORED {@code coefficients.bin} would load as a different number), so every model entry is read through
 * this stream: the check runs when the entry's end is reached, and {@link #close()} reads the rest first so an entry
 * read only in part is still checked as a whole.
 */
public final class CrcCheckedInputStream extends FilterInputStream {
    /** The bytes of an entry do not match its declared CRC-32: the file is damaged. */
    public static final class CrcMismatchException extends IOException {
        private final String entry;

        CrcMismatchException(String entry, long declared, long actual) {
            super(entry + ": CRC-32 mismatch (declared " + Long.toHexString(declared) + ", content "
                    + Long.toHexString(actual) + "): the file is damaged; restore or write it again");
            this.entry = entry;
        }

        /** The file and entry, as {@code file:entry}. */
        public String entry() { return entry; }
    }

    private final CRC32 crc = new CRC32();
    private final long declared;
    private final String name;
    private boolean checked;

    /** {@code declared} as {@code ZipEntry.getCrc()} gives it ({@code -1}: unknown, nothing checked). */
    public CrcCheckedInputStream(InputStream in, long declared, String name) {
        super(in);
        this.declared = declared;
        this.name = name;
    }

    @Override public int read() throws IOException {
        int b = in.read();
        if (b < 0) verify(); else crc.update(b);
        return b;
    }

    @Override public int read(byte[] buf, int off, int len) throws IOException {
        int n = in.read(buf, off, len);
        if (n < 0) verify(); else crc.update(buf, off, n);
        return n;
    }

    @Override public long skip(long n) throws IOException {
        byte[] buf = new byte[(int) Math.min(Math.max(n, 0), 1 << 16)];
        long done = 0;
        while (done < n) {
            int r = read(buf, 0, (int) Math.min(buf.length, n - done));
            if (r < 0) break;
            done += r;
        }
        return done;
    }

    @Override public boolean markSupported() { return false; }

    @Override public void close() throws IOException {
        try {
            if (!checked) {
                byte[] buf = new byte[1 << 16];
                while (read(buf, 0, buf.length) >= 0) { /* to the end: verify() runs there */ }
            }
        } finally {
            super.close();
        }
    }

    private void verify() throws IOException {
        if (checked) return;
        checked = true;
        if (declared != -1 && crc.getValue() != declared) throw new CrcMismatchException(name, declared, crc.getValue());
    }
}
