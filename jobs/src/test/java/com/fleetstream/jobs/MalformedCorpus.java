package com.fleetstream.jobs;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A generated corpus of bad records, each with the quarantine reason it must get, worked out here
 * from how the record was spoiled, not by running the validation.
 */
public final class MalformedCorpus {
  /** One record as it would arrive on the stream, and the reason it must be quarantined for. */
  public record Entry(byte[] data, String reason) {
    public boolean fitsKinesis() {
      return data.length <= 1024 * 1024;
    }
  }

  private static final String TIME = "2026-05-01T10:00:00Z";

  private MalformedCorpus() {}

  public static List<Entry> locations(int n, long seed) {
    Random random = new Random(seed);
    List<Entry> corpus = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      String ok = TestRecords.fix("bad-" + i, "v-" + (i % 50), TIME, 52.5, 13.4, 40);
      corpus.add(switch (i % 20) {
        case 0 -> text(ok.substring(0, random.nextInt(ok.length() - 1)), "malformed_json"); // truncated
        case 1 -> text(ok.replace("\"speed_kmh\":40.0", "\"speed_kmh\":\"fast\""), "invalid_type:speed_kmh");
        case 2 -> text(ok.replace("\"latitude\":52.5", "\"latitude\":true"), "invalid_type:latitude");
        case 3 -> text(ok.replace("\"speed_kmh\":40.0", "\"speed_kmh\":\"NaN\""), "invalid_number:speed_kmh");
        case 4 -> text(ok.replace("\"heading\":90.0", "\"heading\":\"-Infinity\""), "invalid_number:heading");
        case 5 -> text(ok.replace("\"vehicle_id\":\"v-" + (i % 50) + "\"",
            "\"vehicle_id\":\"" + "x".repeat(300 + random.nextInt(20_000)) + "\""), "too_long:vehicle_id");
        case 6 -> i % 2000 == 6 // a few past Kinesis's 1 MiB limit, more that fit it but are no event
            ? text(ok.replace("{", "{\"padding\":\"" + "p".repeat(1_100_000) + "\","), "payload_too_large")
            : text(ok.replace("{", "{\"padding\":\"" + "p".repeat(70_000 + random.nextInt(10_000)) + "\","),
                "payload_too_large");
        case 7 -> invalidUtf8(ok, random);
        // no event_id is no defect (one is derived), no time is
        case 8 -> text(ok.replace("\"timestamp\":\"" + TIME + "\",", ""), "missing_field:timestamp");
        case 9 -> text(ok.replace("\"vehicle_id\":\"v-" + (i % 50) + "\"", "\"vehicle_id\":null"),
            "missing_field:vehicle_id");
        case 10 -> text(ok.replace(TIME, (2100 + random.nextInt(800)) + "-01-01T00:00:00Z"), "timestamp_in_future");
        case 11 -> text(ok.replace(TIME, (1970 + random.nextInt(29)) + "-06-01T00:00:00Z"), "timestamp_too_old");
        case 12 -> text(ok.replace("\"latitude\":52.5", "\"latitude\":" + (90.001 + random.nextInt(1000))),
            "out_of_range:latitude");
        case 13 -> text(ok.replace("\"longitude\":13.4", "\"longitude\":-" + (180.5 + random.nextInt(1000))),
            "out_of_range:longitude");
        case 14 -> text(ok.replace("\"vehicle_id\":\"v-" + (i % 50) + "\"", "\"vehicle_id\":{\"a\":[1,{\"b\":null}]}"),
            "invalid_type:vehicle_id");
        case 15 -> text(ok.replace("\"event_id\":\"bad-" + i + "\"", "\"event_id\":[\"bad\"," + i + "]"),
            "invalid_type:event_id");
        case 16 -> text(List.of("[" + ok + "]", "null", "42", "\"text\"", "{\"a\":").get(random.nextInt(5)),
            "malformed_json");
        case 17 -> text(ok.replace("\"timestamp\":\"" + TIME + "\"", "\"timestamp\":\"not a time " + random.nextInt() + "\""),
            "invalid_type:timestamp");
        case 18 -> text(randomJunk(random), "malformed_json");
        default -> text(ok.replace("\"speed_kmh\":40.0", "\"speed_kmh\":-" + (1 + random.nextInt(100))),
            "out_of_range:speed_kmh");
      });
    }
    return corpus;
  }

  public static List<Entry> sensors(int n, long seed) {
    Random random = new Random(seed);
    List<Entry> corpus = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      String ok = TestRecords.reading("bad-r-" + i, "s-" + (i % 30), TIME, "temperature", 21.5);
      corpus.add(switch (i % 6) {
        case 0 -> text(ok.replace("\"temperature\"", "\"pressure\""), "unknown_metric");
        case 1 -> text(ok.replace("\"value\":21.5", "\"value\":\"hot\""), "invalid_type:value");
        case 2 -> text(ok.replace("\"value\":21.5", "\"value\":\"Infinity\""), "invalid_number:value");
        // a reading with only one of sensor and device id takes it for both
        case 3 -> text(ok.replace("\"sensor_id\":\"s-" + (i % 30) + "\",", "").replace("\"device_id\":\"dev-1\",", ""),
            "missing_field:sensor_id");
        case 4 -> text(ok.replace("\"metric\":\"temperature\"", "\"metric\":{\"name\":\"temperature\"}"),
            "invalid_type:metric");
        default -> text(ok.substring(0, random.nextInt(ok.length() - 1)), "malformed_json");
      });
    }
    return corpus;
  }

  private static Entry text(String payload, String reason) {
    return new Entry(payload.getBytes(StandardCharsets.UTF_8), reason);
  }

  /** A valid record with a byte sequence no UTF-8 decoder accepts put into one of its ids. */
  private static Entry invalidUtf8(String ok, Random random) {
    byte[] bytes = ok.getBytes(StandardCharsets.UTF_8);
    byte[][] bad = {{(byte) 0xC3, 0x28}, {(byte) 0xFF}, {(byte) 0xE2, (byte) 0x82}, {(byte) 0xF0, 0x28, (byte) 0x8C}};
    int at = ok.indexOf("\"v-") + 1; // inside the vehicle id's quotes
    byte[] insert = bad[random.nextInt(bad.length)];
    byte[] out = new byte[bytes.length + insert.length];
    System.arraycopy(bytes, 0, out, 0, at);
    System.arraycopy(insert, 0, out, at, insert.length);
    System.arraycopy(bytes, at, out, at + insert.length, bytes.length - at);
    return new Entry(out, "invalid_utf8");
  }

  /** Printable text that is not JSON: never starts with '{'. */
  private static String randomJunk(Random random) {
    StringBuilder s = new StringBuilder("#");
    for (int k = random.nextInt(200); k > 0; k--) {
      s.append((char) (' ' + random.nextInt(95)));
    }
    return s.toString();
  }
}
