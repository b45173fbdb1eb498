package com.fleetstream.kinesis;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.fs.FileStatus;

/**
 * When each shard was last seen with nothing to read after a position, in Kinesis's clock, under the
 * query's checkpoint: {@code caught-up/<shard>/<epoch millis>} holding the position. A checkpointed
 * record that expired while its shard was idle lost nothing if the shard was caught up at it less
 * than the retention ago: every record after it arrived later and is still in the stream.
 */
final class CaughtUp {
  /** Far within any retention (24 h at least): at most one write per shard and hour while a shard idles. */
  private static final Duration REFRESH = Duration.ofHours(1);

  private final CheckpointFiles files;
  private final Map<String, Seen> written = new HashMap<>();

  /** The shard had nothing after {@code position} at {@code at}. */
  record Seen(String position, Instant at) {}

  CaughtUp(CheckpointFiles files) {
    this.files = files;
  }

  void seen(String shardId, String position, Instant at) {
    Seen last = written.get(shardId);
    if (last != null && last.position().equals(position) && at.isBefore(last.at().plus(REFRESH))) {
      return;
    }
    files.write(dir(shardId) + "/" + at.toEpochMilli(), position);
    written.put(shardId, new Seen(position, at));
    for (FileStatus older : files.list(dir(shardId))) {
      String name = older.getPath().getName();
      if (isTime(name) && Long.parseLong(name) < at.toEpochMilli()) {
        files.delete(older.getPath());
      }
    }
  }

  Optional<Seen> last(String shardId) {
    return files.list(dir(shardId)).stream().map(s -> s.getPath().getName()).filter(CaughtUp::isTime)
        .max(Comparator.comparingLong(Long::parseLong))
        .flatMap(name -> files.read(dir(shardId) + "/" + name)
            .map(position -> new Seen(position, Instant.ofEpochMilli(Long.parseLong(name)))));
  }

  private static boolean isTime(String name) {
    return !name.isEmpty() && name.chars().allMatch(Character::isDigit);
  }

  private static String dir(String shardId) {
    return "caught-up/" + shardId;
  }
}
