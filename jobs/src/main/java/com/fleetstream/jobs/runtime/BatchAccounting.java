package com.fleetstream.jobs.runtime;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.when;

import com.fleetstream.jobs.transform.Alerts;
import com.fleetstream.jobs.transform.Deduplication;
import com.fleetstream.jobs.transform.EventIds;
import com.fleetstream.jobs.transform.EventValidation;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
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
 * deduplicate), plus the rows each query's sinks wrote. Each outcome is counted where it happens,
 * from {@code Dataset.observe} points in the plan (the per-device window folds count theirs under
 * {@link #KEPT} too) and the rows state operators drop behind their watermark (so at no extra pass
 * over the data), and a batch whose counts do not add up is logged as an error: a
 * row lost between the steps would otherwise pass for a duplicate.
 */
public final class BatchAccounting extends StreamingQueryListener {
  public static final String VALIDATED = "validated";
  public static final String KEPT = com.fleetstream.jobs.transform.PerDevice.COUNTS;
  private static final Logger LOG = LoggerFactory.getLogger(BatchAccounting.class);

  /** Counts for one finished batch. */
  /** @param outOfOrder events a state machine (alerts, trips) skipped as older than its entity's last; null elsewhere */
  /** @param derived valid events whose id was derived (their record had none) */
  public record Counts(String query, long batch, long read, long quarantined, long valid, long derived, Long kept,
      long late, Long duplicates, Long outOfOrder, Map<String, Long> written) {
    /** Valid rows that are neither kept, nor duplicates, nor late: lost, if ever not zero. */
    public long unaccounted() {
      return kept == null ? 0 : valid - kept - duplicates - late;
    }

    public String line() {
      StringBuilder s = new StringBuilder()
          .append(query).append(" batch ").append(batch).append(": read=").append(read)
          .append(" quarantined=").append(quarantined).append(" valid=").append(valid)
          .append(" derived_ids=").append(derived);
      if (kept != null) {
        s.append(" kept=").append(kept).append(" duplicates=").append(duplicates).append(" late=").append(late);
      }
      if (outOfOrder != null) {
        s.append(" late=").append(late).append(" out_of_order=").append(outOfOrder);
      }
      return s.append(" written=").append(new java.util.TreeMap<>(written)).toString();
    }
  }

  private final Map<String, Map<String, Long>> written = new ConcurrentHashMap<>();
  private final String job;
  private final BiConsumer<StreamingQueryProgress, Optional<Counts>> onProgress;

  /**
   * @param job the queries this accounting is for are named {@code job-...}; others sharing the session are not
   * @param onProgress also told of every progress report of them: with its counts, or none where no batch ran
   */
  public BatchAccounting(String job, BiConsumer<StreamingQueryProgress, Optional<Counts>> onProgress) {
    this.job = job;
    this.onProgress = onProgress;
  }

  /** Counts rows read, rows that failed validation and events whose id was derived, right after parsing. */
  public static Dataset<Row> observeValidation(Dataset<Row> validated) {
    return validated.observe(VALIDATED, count(lit(1)).as("read"), count(col(EventValidation.REASON)).as("invalid"),
        count(when(col(EventValidation.REASON).isNull().and(col(EventIds.DERIVED)), 1)).as("derived"));
  }

  /**
   * Counts the events a query reads back from the events query's tables ({@code StoredEvents}): all
   * valid, as {@link #observeValidation} would count them.
   */
  public static Dataset<Row> observeStored(Dataset<Row> events) {
    return events.observe(VALIDATED, count(lit(1)).as("read"), count(lit(null)).as("invalid"),
        count(when(col(EventIds.DERIVED), 1)).as("derived"));
  }

  /**
   * Counts the valid rows after deduplication: rows tagged {@link Deduplication#LATE} count as late,
   * those tagged {@link Deduplication#DUPLICATE} as duplicates, the rest as kept; invalid ones passed
   * through for quarantine (already counted) not at all.
   */
  public static Dataset<Row> observeDeduplication(Dataset<Row> deduplicated) {
    java.util.List<String> columns = java.util.List.of(deduplicated.columns());
    Column late = columns.contains(Deduplication.LATE) ? col(Deduplication.LATE) : lit(false);
    Column duplicate = columns.contains(Deduplication.DUPLICATE) ? col(Deduplication.DUPLICATE) : lit(false);
    Column valid = columns.contains(EventValidation.REASON) ? col(EventValidation.REASON).isNull() : lit(true);
    return deduplicated.observe(KEPT, count(when(valid.and(not(late)).and(not(duplicate)), 1)).as("kept"),
        count(when(valid.and(late).and(not(duplicate)), 1)).as("late"),
        count(when(valid.and(duplicate), 1)).as("duplicates"));
  }

  /**
   * Rows the batch read: its own count where the query observes one, Spark's otherwise. Spark's is 0
   * for a batch of a query over several Delta tables in which one of them had nothing new (it then
   * logs "Could not report metrics as number leaves in trigger logical plan did not match").
   */
  public static long rowsRead(StreamingQueryProgress p) {
    Row validated = p.observedMetrics().get(VALIDATED);
    return validated != null ? validated.getLong(0) : p.numInputRows();
  }

  void recordWritten(String query, long batch, String sink, long rows) {
    written.computeIfAbsent(query + "#" + batch, k -> new ConcurrentHashMap<>()).merge(sink, rows, Long::sum);
  }

  @Override
  public void onQueryProgress(QueryProgressEvent event) {
    StreamingQueryProgress p = event.progress();
    if (p.name() == null || !p.name().startsWith(job + "-")) {
      return;
    }
    Map<String, Long> rows = written.remove(p.name() + "#" + p.batchId());
    if (rows == null) { // no batch ran: an idle progress report
      onProgress.accept(p, Optional.empty());
      return;
    }
    Counts counts = counts(p, rows);
    if (counts.unaccounted() != 0) {
      LOG.error("{}: {} valid rows are neither kept, duplicates nor late: lost between the query's steps",
          counts.line(), counts.unaccounted());
    } else {
      LOG.info(counts.line());
    }
    onProgress.accept(p, Optional.of(counts));
  }

  /** One finished batch's counts, from its progress report. */
  public static Counts counts(StreamingQueryProgress p, Map<String, Long> written) {
    Row validated = p.observedMetrics().get(VALIDATED);
    // a batch run only to move the watermark (and close windows) reads nothing and observes nothing
    long read = validated == null ? 0 : validated.getLong(0);
    long invalid = validated == null ? 0 : validated.getLong(1);
    long derived = validated == null ? 0 : validated.getLong(2);
    Row keptRow = p.observedMetrics().get(KEPT);
    long late = keptRow == null ? 0 : keptRow.getLong(1);
    long duplicates = keptRow == null ? 0 : keptRow.getLong(2);
    for (StateOperatorProgress op : p.stateOperators()) {
      // the per-device state functions drop rows that arrived MAX_DEVICE_DELAY after the newest read
      late += op.numRowsDroppedByWatermark();
    }
    Long kept = keptRow == null ? null : keptRow.getLong(0);
    Row alertInputs = p.observedMetrics().get(Alerts.OBSERVED);
    return new Counts(p.name(), p.batchId(), read, invalid, read - invalid, derived, kept, late,
        kept == null ? null : duplicates, alertInputs == null ? null : alertInputs.getLong(0), Map.copyOf(written));
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
