package io.postern.wire;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** Little-endian integer access on byte arrays, as every WireGuard integer field is encoded. */
public final class LittleEndian {
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private LittleEndian() {}

    /** @return the u32 at {@code offset} as a Java int */
    public static int getInt(byte[] b, int offset) {
        return (int) INT.get(b, offset);
    }

    /** Writes {@code v} at {@code offset}. */
    public static void putInt(byte[] b, int offset, int v) {
        INT.set(b, offset, v);
    }

    /** @return the u64 at {@code offset} as a Java long (unsigned semantics are the caller's) */
    public static long getLong(byte[] b, int offset) {
        return (long) LONG.get(b, offset);
    }

    /** Writes {@code v} at {@code offset}. */
    public static void putLong(byte[] b, int offset, long v) {
        LONG.set(b, offset, v);
    }
}
