package io.postern.gateway.ip;

/** The Internet checksum (RFC 1071): ones' complement of the ones' complement sum of 16-bit words. */
final class InternetChecksum {
    private InternetChecksum() {}

    /** @return the unfolded 32-bit sum of the big-endian 16-bit words of {@code b[offset, offset+length)} */
    static long sum(byte[] b, int offset, int length) {
        long sum = 0;
        int i = offset;
        int end = offset + length;
        for (; i + 1 < end; i += 2) {
            sum += ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
        }
        if (i < end) {
            sum += (b[i] & 0xff) << 8;
        }
        return sum;
    }

    /** @return the folded, complemented 16-bit checksum of a running {@code sum} */
    static int finish(long sum) {
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) (~sum & 0xffff);
    }

    /** @return the checksum of {@code b[offset, offset+length)}; 0 when a stored checksum in it is right */
    static int compute(byte[] b, int offset, int length) {
        return finish(sum(b, offset, length));
    }
}
