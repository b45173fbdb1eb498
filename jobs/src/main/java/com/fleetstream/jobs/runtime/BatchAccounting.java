package com.fleetstream.jobs.runtime;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.when;

import com.fleetstream.jobs.transform.Deduplication;
import com.fleetstream.jobs.transform.EventValidation;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.sql.Column;
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

  /** Counts rows read and rows that failed validation, right after parsing. */
  public static Dataset<Row> countValidated(Dataset<Row> validated) {
    return validated.observe(VALIDATED, count(lit(1)).as("read"), count(col(EventValidation.REASON)).as("invalid"));
  }

  /**
   * Counts the valid rows left after deduplication; rows tagged {@link Deduplication#LATE} count as
   * late, not kept, and invalid ones passed through for quarantine (already counted) not at all.
   */
  public static Dataset<Row> countKept(Dataset<Row> deduplicated) {
    java.util.List<String> columns = java.util.List.of(deduplicated.columns());
    Column late = columns.contains(Deduplication.LATE) ? col(Deduplication.LATE) : lit(false);
    Column valid = columns.contains(EventValidation.REASON) ? col(EventValidation.REASON).isNull() : lit(true);
    return deduplicated.observe(KEPT, count(when(valid.and(not(late)), 1)).as("kept"),
        count(when(valid.and(late), 1)).as("late"));
  }

  void recordWritten(String query, long batch, String sink, long rows) {
    written.computeIfAbsent(query + "#" + batch, k -> new ConcurrentHashMap<>()).merge(sink, rows, Long::sum);
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
    long late = keptRow == null ? 0 : keptRow.getLong(1);
    for (StateOperatorProgress op : p.stateOperators()) {
      late += op.numRowsDroppedByWatermark();
    }
    Long kept = keptRow == null ? null : keptRow.getLong(0);
    Long duplicates = kept == null ? null : read - invalid - kept - late;
    Counts counts = new Counts(p.name(), p.batchId(), read, invalid, read - invalid, kept, late, duplicates,
        Map.copyOf(rows));
    LOG.info(counts.line());
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
