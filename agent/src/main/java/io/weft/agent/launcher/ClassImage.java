package io.weft.agent.launcher;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;

/**
 * The files a JVM loads from Weft at start (Weft's runtime, Caffeine, Byte Buddy's ASM), stored one after the other
 * in one file behind a hash table that the build computed: {@code weft/weft-agent-core.image} in
 * {@code weft-agent.jar}, written by the build's {@code SplitCoreJar}. A class from a jar costs the JVM's start a
 * lookup in the jar's directory, an inflater and a few copies, all interpreted, and opening the jar hashes every
 * name in it; here opening reads the table, and a class is one probe and one read.
 *
 * <p>Format, big-endian {@code int}s: the magic {@value #MAGIC} ("WEFT"), the number of entries {@code n}, the number
 * of slots {@code s} (a power of two), the length of the header (all but the contents); {@code s} slots, each 0 or an entry's index + 1, an entry found from the slot
 * {@code path.hashCode() & (s - 1)} on (linear probing); {@code n} entries of five: the path's hash code, its offset and
 * length (ASCII), the content's offset and length (offsets from the start of the file); the paths, then the contents.
 */
final class ClassImage {

    static final int MAGIC = 0x57454654;

    private static final int SLOTS_AT = 16;
    private static final int ENTRY_INTS = 5;

    private final RandomAccessFile file;
    private final byte[] header;
    private final int mask;
    private final int entriesAt;

    private ClassImage(RandomAccessFile file, byte[] header, int slots) {
        this.file = file;
        this.header = header;
        this.mask = slots - 1;
        this.entriesAt = SLOTS_AT + 4 * slots;
    }

    /** The image in {@code file}, kept open; its table read. */
    static ClassImage open(File path) throws IOException {
        RandomAccessFile file = new RandomAccessFile(path, "r");
        try {
            int magic = file.readInt();
            int entries = file.readInt();
            int slots = file.readInt();
            int length = file.readInt();
            if (magic != MAGIC || Integer.bitCount(slots) != 1 || length < SLOTS_AT + 4L * slots + 4L * ENTRY_INTS * entries) {
                throw new IOException(path + " is not a Weft class image");
            }
            byte[] header = new byte[length];
            file.seek(0);
            file.readFully(header);
            return new ClassImage(file, header, slots);
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
        }
    }

    /** The content of the entry named {@code path} ({@code io/weft/agent/WeftAgent.class}), or {@code null}. */
    byte[] read(String path) throws IOException {
        int entry = find(path);
        if (entry < 0) {
            return null;
        }
        byte[] content = new byte[intAt(entry + 4 * 4)];
        synchronized (file) {
            file.seek(intAt(entry + 3 * 4));
            file.readFully(content);
        }
        return content;
    }

    /** The offset in the header of the entry named {@code path}, or -1. */
    private int find(String path) {
        int hash = path.hashCode();
        for (int slot = hash & mask; ; slot = (slot + 1) & mask) {
            int index = intAt(SLOTS_AT + 4 * slot) - 1;
            if (index < 0) {
                return -1;
            }
            int entry = entriesAt + 4 * ENTRY_INTS * index;
            if (intAt(entry) == hash && named(entry, path)) {
                return entry;
            }
        }
    }

    private boolean named(int entry, String path) {
        int at = intAt(entry + 4);
        if (intAt(entry + 2 * 4) != path.length()) {
            return false;
        }
        for (int i = 0; i < path.length(); i++) {
            if (header[at + i] != path.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private int intAt(int at) {
        return header[at] << 24 | (header[at + 1] & 0xFF) << 16 | (header[at + 2] & 0xFF) << 8 | header[at + 3] & 0xFF;
    }
}
