package com.fleetstream.jobs.transform;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Collection;

/**
 * The events a deduplication bucket has seen, as a sorted array of 16-byte digests (MD5 of the event
 * id and its event time): 16 bytes an event where a map entry per id costs about 250. Two different
 * events collide with odds of about n²/2¹²⁹ for n events in a bucket, below 10⁻²⁶ for a million: a
 * collision would drop an event as a repeat, which is why the digest is 128 bits and not 64 (10⁻⁸).
 */
final class EventDigests {
  static final int BYTES = 16;
  private static final ThreadLocal<MessageDigest> MD5 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK provides MD5", e);
    }
  });

  private EventDigests() {}

  /** The digest of one event: its id and its event time (ms). */
  static byte[] of(String eventId, long eventTimeMs) {
    MessageDigest md5 = MD5.get();
    md5.update(eventId.getBytes(StandardCharsets.UTF_8));
    md5.update(ByteBuffer.allocate(Long.BYTES).putLong(eventTimeMs).array());
    return md5.digest();
  }

  /** Whether the sorted {@code digests} hold {@code digest}. */
  static boolean contains(byte[] digests, byte[] digest) {
    int low = 0;
    int high = digests.length / BYTES - 1;
    while (low <= high) {
      int mid = (low + high) >>> 1;
      int c = Arrays.compareUnsigned(digests, mid * BYTES, mid * BYTES + BYTES, digest, 0, BYTES);
      if (c < 0) {
        low = mid + 1;
      } else if (c > 0) {
        high = mid - 1;
      } else {
        return true;
      }
    }
    return false;
  }

  /** The sorted {@code digests} with {@code more} (none of them in it) added, sorted. */
  static byte[] plus(byte[] digests, Collection<byte[]> more) {
    byte[][] added = more.toArray(byte[][]::new);
    Arrays.sort(added, (a, b) -> Arrays.compareUnsigned(a, b));
    byte[] out = new byte[digests.length + added.length * BYTES];
    int i = 0;
    int j = 0;
    int o = 0;
    int n = digests.length / BYTES;
    while (i < n || j < added.length) {
      if (j == added.length || i < n
          && Arrays.compareUnsigned(digests, i * BYTES, i * BYTES + BYTES, added[j], 0, BYTES) < 0) {
        System.arraycopy(digests, i++ * BYTES, out, o, BYTES);
      } else {
        System.arraycopy(added[j++], 0, out, o, BYTES);
      }
      o += BYTES;
    }
    return out;
  }
}
