package com.fleetstream.jobs.source.kinesis;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.util.SerializableConfiguration;

/**
 * Where each batch stopped reading each shard, under the query's checkpoint: {@code ends/<batch>/<shard>}.
 * The first task to finish reading a shard for a batch records it; every later read of that batch (a
 * replay after a crash, a retried task, a recomputed partition) stops at the same record.
 */
final class BatchEnds implements Serializable {
  private static final int KEEP_BATCHES = 10;

  private final String root;
  private final SerializableConfiguration hadoop;

  BatchEnds(String checkpointLocation, Configuration hadoop) {
    this.root = checkpointLocation + "/ends";
    this.hadoop = new SerializableConfiguration(hadoop);
  }

  Optional<String> read(long batch, String shardId) {
    Path file = file(batch, shardId);
    try (FSDataInputStream in = file.getFileSystem(hadoop.value()).open(file)) {
      return Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (FileNotFoundException e) {
      return Optional.empty(); // one request, not an existence check and then a read (S3)
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /**
   * Written aside and renamed, so a reader sees a whole position or none. If an earlier attempt
   * recorded another end, this one read other records than the batch holds and must fail.
   */
  void record(long batch, String shardId, String position) {
    Optional<String> recorded = read(batch, shardId);
    if (recorded.isPresent()) {
      if (!recorded.get().equals(position)) {
        throw new IllegalStateException("batch " + batch + " of shard " + shardId + " already ends at "
            + recorded.get() + ", this attempt read to " + position);
      }
      return;
    }
    Path file = file(batch, shardId);
    Path tmp = new Path(file.getParent(), "." + shardId + "." + UUID.randomUUID() + ".tmp");
    try {
      FileSystem fs = file.getFileSystem(hadoop.value());
      try (FSDataOutputStream out = fs.create(tmp, false)) {
        out.write(position.getBytes(StandardCharsets.UTF_8));
      }
      if (!fs.rename(tmp, file)) {
        throw new IOException("rename to " + file + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot record " + file, e);
    }
  }

  /** Only the last committed batch's ends and a replayed batch's are read again. */
  void purgeBefore(long batch) {
    Path dir = new Path(root);
    try {
      FileSystem fs = dir.getFileSystem(hadoop.value());
      if (!fs.exists(dir)) {
        return;
      }
      for (FileStatus s : fs.listStatus(dir)) {
        String name = s.getPath().getName();
        if (name.chars().allMatch(Character::isDigit) && Long.parseLong(name) < batch - KEEP_BATCHES) {
          fs.delete(s.getPath(), true);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot purge " + dir, e);
    }
  }

  private Path file(long batch, String shardId) {
    return new Path(root + "/" + batch + "/" + shardId);
  }
}
