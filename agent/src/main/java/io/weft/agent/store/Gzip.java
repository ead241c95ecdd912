package io.weft.agent.store;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/** Gzip for stored values ({@code weft.redis.compress.minBytes}): the standard format, readable by any language. */
final class Gzip {

    private Gzip() {
    }

    /** Whether {@code bytes} start with the gzip magic bytes {@code 1f 8b}. */
    static boolean isCompressed(byte[] bytes) {
        return bytes.length >= 2 && bytes[0] == (byte) 0x1f && bytes[1] == (byte) 0x8b;
    }

    /**
     * The size of what {@code gzipped} inflates to, from its trailer (RFC 1952's ISIZE: the size modulo 2^32, exact
     * for every value Weft stores).
     */
    static long inflatedSize(byte[] gzipped) {
        int n = gzipped.length;
        return (gzipped[n - 4] & 0xffL) | (gzipped[n - 3] & 0xffL) << 8 | (gzipped[n - 2] & 0xffL) << 16
                | (gzipped[n - 1] & 0xffL) << 24;
    }

    static byte[] compress(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, bytes.length / 4));
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("gzip into memory failed", e);
        }
        return out.toByteArray();
    }

    /**
     * The inflated bytes.
     *
     * @throws IOException when they are not gzip, or inflate past {@code limit} bytes
     */
    static byte[] decompress(byte[] bytes, long limit) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length * 4);
        try (GZIPInputStream gzip = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
            byte[] chunk = new byte[8192];
            for (int n; (n = gzip.read(chunk)) > 0; ) {
                if (out.size() + (long) n > limit) {
                    throw new IOException("a compressed value inflates past " + limit + " bytes");
                }
                out.write(chunk, 0, n);
            }
        }
        return out.toByteArray();
    }
}
