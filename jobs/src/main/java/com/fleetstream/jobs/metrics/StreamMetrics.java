package com.fleetstream.jobs.metrics;

import com.fleetstream.jobs.runtime.BatchAccounting.Counts;
import com.fleetstream.kinesis.KinesisStreamSource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.streaming.SourceProgress;
import org.apache.spark.sql.streaming.StreamingQueryProgress;

/**
 * What a streaming job reports to CloudWatch, from each progress report of its queries: how far
 * each Kinesis source is behind its stream's tip (per stream, the alarm's metric, and per shard) and
 * the gaps of expired records it read past, and for a batch that ran, its counts ({@link Counts})
 * and duration, with the unaccounted rows and late events also per job, for their alarms. Glue's own job metrics come
 * from its GlueContext, which these jobs (plain Spark mains) do not make, so these are the jobs'
 * metrics on Glue.
 */
public final class StreamMetrics {
  public static final String MILLIS_BEHIND_LATEST = "MillisBehindLatest";
  /** Gaps of records that expired unread the source read past since the run started (FAIL_ON_DATA_LOSS false). */
  public static final String EXPIRED_GAPS = "ExpiredGaps";
  /** Valid rows a batch neither kept, nor found duplicate, nor late: lost, if ever not zero. */
  public static final String UNACCOUNTED = "Unaccounted";
  private static final Pattern SHARD_LAG = Pattern.compile("\"([^\"]+)\":(\\d+)");

  /** One value of one metric, as PutMetricData takes it. */
  public record Datum(String name, String unit, double value, Map<String, String> dimensions, Instant at) {}

  private StreamMetrics() {}

  /** @param counts the batch's counts; empty for a report of no batch (the query waited for input) */
  public static List<Datum> of(String jobName, StreamingQueryProgress p, Optional<Counts> counts) {
    Instant at = Instant.parse(p.timestamp());
    List<Datum> out = new ArrayList<>();
    for (SourceProgress source : p.sources()) {
      Optional<String> stream = KinesisStreamSource.streamOf(source.description());
      String max = source.metrics().get(KinesisStreamSource.MAX_MILLIS_BEHIND);
      if (stream.isEmpty() || max == null) {
        continue;
      }
      Map<String, String> perStream = dimensions("JobName", jobName, "StreamName", stream.get());
      out.add(new Datum(MILLIS_BEHIND_LATEST, "Milliseconds", Double.parseDouble(max), perStream, at));
      String gaps = source.metrics().get(KinesisStreamSource.EXPIRED_GAPS);
      if (gaps != null) {
        out.add(new Datum(EXPIRED_GAPS, "Count", Double.parseDouble(gaps), perStream, at));
      }
      Matcher shard = SHARD_LAG.matcher(source.metrics().getOrDefault(KinesisStreamSource.MILLIS_BEHIND, "{}"));
      while (shard.find()) {
        out.add(new Datum(MILLIS_BEHIND_LATEST, "Milliseconds", Double.parseDouble(shard.group(2)),
            dimensions("JobName", jobName, "StreamName", stream.get(), "ShardId", shard.group(1)), at));
      }
    }
    counts.ifPresent(c -> {
      Map<String, String> query = dimensions("JobName", jobName, "Query", c.query());
      out.add(new Datum("RecordsRead", "Count", c.read(), query, at));
      out.add(new Datum("RecordsQuarantined", "Count", c.quarantined(), query, at));
      out.add(new Datum("LateEvents", "Count", c.late(), query, at));
      if (c.kept() != null) {
        out.add(new Datum("EventsKept", "Count", c.kept(), query, at));
        out.add(new Datum("Duplicates", "Count", c.duplicates(), query, at));
      }
      out.add(new Datum("RowsWritten", "Count", c.written().values().stream().mapToLong(Long::longValue).sum(), query,
          at));
      out.add(new Datum("BatchDuration", "Milliseconds", p.batchDuration(), query, at));
      // per job, as the alarms watch them: rows lost between the counts, and late events (a rise is a
      // device's clock or a reader falling behind)
      Map<String, String> job = dimensions("JobName", jobName);
      out.add(new Datum(UNACCOUNTED, "Count", c.unaccounted(), job, at));
      out.add(new Datum("LateEvents", "Count", c.late(), job, at));
    });
    return out;
  }

  private static Map<String, String> dimensions(String... namesAndValues) {
    Map<String, String> d = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      d.put(namesAndValues[i], namesAndValues[i + 1]);
    }
    return d;
  }
}
