package com.fleetstream.kinesis;

import java.io.Serializable;
import java.util.Optional;
import org.apache.hadoop.fs.FileStatus;

/**
 * Where each batch stopped reading each shard, under the query's checkpoint: {@code ends/<batch>/<shard>}.
 * The first task to finish reading a shard for a batch records it; every later read of that batch (a
 * replay after a crash, a retried task, a recomputed partition) stops at the same record.
 */
final class BatchEnds implements Serializable {
  private static final int KEEP_BATCHES = 10;

  private final CheckpointFiles files;

  BatchEnds(CheckpointFiles files) {
    this.files = files;
  }

  Optional<String> read(long batch, String shardId) {
    return files.read(file(batch, shardId));
  }

  /** If an earlier attempt recorded another end, this one read other records than the batch holds and must fail. */
  void record(long batch, String shardId, String position) {
    Optional<String> recorded = read(batch, shardId);
    if (recorded.isPresent()) {
      if (!recorded.get().equals(position)) {
        throw new IllegalStateException("batch " + batch + " of shard " + shardId + " already ends at "
            + recorded.get() + ", this attempt read to " + position);
      }
      return;
    }
    files.write(file(batch, shardId), position);
  }

  /** Only the last committed batch's ends and a replayed batch's are read again. */
  void purgeBefore(long batch) {
    for (FileStatus s : files.list("ends")) {
      String name = s.getPath().getName();
      if (name.chars().allMatch(Character::isDigit) && Long.parseLong(name) < batch - KEEP_BATCHES) {
        files.delete(s.getPath());
      }
    }
  }

  private static String file(long batch, String shardId) {
    return "ends/" + batch + "/" + shardId;
  }
}
