package com.fleetstream.jobs;

import com.fleetstream.jobs.runtime.StreamingQueries;
import com.fleetstream.kinesis.KinesisStreamSource;
import java.util.Arrays;
import org.apache.spark.sql.streaming.SourceProgress;

/** Records a job's queries took from Kinesis over one run, summed over their batches and Kinesis sources. */
final class KinesisReads {
  private KinesisReads() {}

  static long of(StreamingQueries job, String... queries) {
    return Arrays.stream(queries).flatMap(q -> Arrays.stream(job.query(q).recentProgress()))
        .flatMap(p -> Arrays.stream(p.sources()))
        .filter(s -> KinesisStreamSource.streamOf(s.description()).isPresent())
        .mapToLong(SourceProgress::numInputRows).sum();
  }
}
