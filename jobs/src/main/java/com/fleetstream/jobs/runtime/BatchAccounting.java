package com.fleetstream.jobs.runtime;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;

import com.fleetstream.jobs.transform.EventValidation;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.streaming.StateOperatorProgress;
import org.apache.spark.sql.streaming.StreamingQueryListener;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per batch and query, one log line whose numbers add up:
 * {@code read = quarantined + valid} and {@code valid = kept + duplicates + late} (for queries that
 * deduplicate), plus the rows each query's sinks wrote. The counts come from {@code Dataset.observe}
 * points in the plan and Spark's state operator metrics, so they cost no extra pass over the data.
 */
public final class BatchAccounting extends StreamingQueryListener {
  public static final String VALIDATED = "validated";
  public static final String KEPT = "kept";
  private static final Logger LOG = LoggerFactory.getLogger(BatchAccounting.class);

  /** Counts for one finished batch. */
  public record Counts(String query, long batch, long read, long quarantined, long valid, Long kept, long late,
      Long duplicates, Map<String, Long> written) {
    public String line() {
      StringBuilder s = new StringBuilder()
          .append(query).append(" batch ").append(batch).append(": read=").append(read)
          .append(" quarantined=").append(quarantined).append(" valid=").append(valid);
      if (kept != null) {
        s.append(" kept=").append(kept).append(" duplicates=").append(duplicates).append(" late=").append(late);
      }
      return s.append(" written=").append(new java.util.TreeMap<>(written)).toString();
    }
  }

  private final Map<String, Map<String, Long>> written = new ConcurrentHashMap<>();
  private final Map<String, Counts> totals = new ConcurrentHashMap<>();

  /** Counts rows read and rows that failed validation, right after parsing. */
  public static Dataset<Row> countValidated(Dataset<Row> validated) {
    return validated.observe(VALIDATED, count(lit(1)).as("read"), count(col(EventValidation.REASON)).as("invalid"));
  }

  /** Counts the rows left after deduplication. */
  public static Dataset<Row> countKept(Dataset<Row> deduplicated) {
    return deduplicated.observe(KEPT, count(lit(1)).as("kept"));
  }

  void recordWritten(String query, long batch, String sink, long rows) {
    written.computeIfAbsent(query + "#" + batch, k -> new ConcurrentHashMap<>()).merge(sink, rows, Long::sum);
  }

  /** Counts per query name summed over the batches this JVM ran, for tests and the local run's summary. */
  public Map<String, Counts> totals() {
    return Map.copyOf(totals);
  }

  @Override
  public void onQueryProgress(QueryProgressEvent event) {
    StreamingQueryProgress p = event.progress();
    Map<String, Long> rows = written.remove(p.name() + "#" + p.batchId());
    if (rows == null) {
      return; // no batch ran: an idle progress report
    }
    Row validated = p.observedMetrics().get(VALIDATED);
    // a batch run only to move the watermark (and close windows) reads nothing and observes nothing
    long read = validated == null ? 0 : validated.getLong(0);
    long invalid = validated == null ? 0 : validated.getLong(1);
    Row keptRow = p.observedMetrics().get(KEPT);
    long late = 0;
    for (StateOperatorProgress op : p.stateOperators()) {
      late += op.numRowsDroppedByWatermark();
    }
    Long kept = keptRow == null ? null : keptRow.getLong(0);
    Long duplicates = kept == null ? null : read - invalid - kept - late;
    Counts counts = new Counts(p.name(), p.batchId(), read, invalid, read - invalid, kept, late, duplicates,
        Map.copyOf(rows));
    totals.merge(p.name(), counts, BatchAccounting::add);
    LOG.info(counts.line());
  }

  private static Counts add(Counts a, Counts b) {
    return new Counts(b.query(), b.batch(), a.read() + b.read(), a.quarantined() + b.quarantined(),
        a.valid() + b.valid(), plus(a.kept(), b.kept()), a.late() + b.late(), plus(a.duplicates(), b.duplicates()),
        sum(a.written(), b.written()));
  }

  /** Null means "not counted by this query"; a batch that only moved the watermark counts nothing. */
  private static Long plus(Long a, Long b) {
    return a == null ? b : b == null ? a : a + b;
  }

  private static Map<String, Long> sum(Map<String, Long> a, Map<String, Long> b) {
    Map<String, Long> total = new java.util.HashMap<>(a);
    b.forEach((k, v) -> total.merge(k, v, Long::sum));
    return Map.copyOf(total);
  }

  @Override
  public void onQueryStarted(QueryStartedEvent event) {
    LOG.info("query {} started (id {}, run {})", event.name(), event.id(), event.runId());
  }

  @Override
  public void onQueryTerminated(QueryTerminatedEvent event) {
    if (event.exception().isDefined()) {
      LOG.error("query {} failed: {}", event.id(), event.exception().get());
    } else {
      LOG.info("query {} stopped", event.id());
    }
  }
}
