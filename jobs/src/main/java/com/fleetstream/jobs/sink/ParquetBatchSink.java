package com.fleetstream.jobs.sink;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Partitioned Parquet under a base path (local or s3a), exactly once per batch without Spark's
 * streaming metadata log, so Athena and crawlers see plain files:
 * <ol>
 *   <li>a batch with a commit marker is skipped;</li>
 *   <li>Spark writes the batch to a staging folder;</li>
 *   <li>the final file names (derived from the batch id) are listed in a pending marker, then the
 *       files are moved into their partitions;</li>
 *   <li>the commit marker is written.</li>
 * </ol>
 * A batch that died half-way is replayed by Spark; its pending list says which files to remove first.
 * Folders starting with "_" are ignored by Spark, Athena and Glue crawlers.
 */
public final class ParquetBatchSink implements BatchSink {
  private static final Logger LOG = LoggerFactory.getLogger(ParquetBatchSink.class);
  private static final int MARKERS_KEPT = 100;

  private final String basePath;
  private final String[] partitionColumns;

  public ParquetBatchSink(String basePath, String... partitionColumns) {
    this.basePath = basePath;
    this.partitionColumns = partitionColumns;
  }

  @Override
  public String name() {
    return new Path(basePath).getName();
  }

  @Override
  public long write(Dataset<Row> batch, long rows, BatchId id) {
    Configuration conf = batch.sparkSession().sparkContext().hadoopConfiguration();
    Path base = new Path(basePath);
    Path markers = new Path(base, "_batches/" + id.queryId());
    Path committed = new Path(markers, id.batch() + ".committed");
    Path pending = new Path(markers, id.batch() + ".pending");
    Path staging = new Path(base, "_staging/" + id.fileToken());
    // an empty batch is empty again when replayed: no files, no markers (each file costs a fork or two
    // on the local file system and a request on S3)
    if (rows == 0) {
      return 0;
    }
    try {
      FileSystem fs = base.getFileSystem(conf);
      if (fs.exists(committed)) {
        LOG.info("{}: batch {} already committed, skipped", basePath, id);
        return 0;
      }
      if (fs.exists(pending)) {
        for (String leftover : read(fs, pending)) {
          fs.delete(new Path(leftover), false);
        }
      }
      fs.delete(staging, true);

      List<Path[]> moves = new ArrayList<>();
      batch.write().mode(SaveMode.Overwrite).partitionBy(partitionColumns).parquet(staging.toString());
      List<Path> files = listParquet(fs, staging);
      for (int i = 0; i < files.size(); i++) {
        Path file = files.get(i);
        String partition = relativeParent(staging, file);
        Path target = new Path(partition.isEmpty() ? base : new Path(base, partition),
            String.format("part-%s-%05d.snappy.parquet", id.fileToken(), i));
        moves.add(new Path[] {file, target});
      }
      StringBuilder list = new StringBuilder();
      moves.forEach(m -> list.append(m[1]).append('\n'));
      write(fs, pending, list.toString());
      for (Path[] move : moves) {
        fs.mkdirs(move[1].getParent());
        fs.delete(move[1], false);
        if (!fs.rename(move[0], move[1])) {
          throw new IOException("could not move " + move[0] + " to " + move[1]);
        }
      }
      write(fs, committed, Long.toString(rows));
      fs.delete(pending, false);
      fs.delete(staging, true);
      fs.delete(new Path(markers, (id.batch() - MARKERS_KEPT) + ".committed"), false);
      return rows;
    } catch (IOException e) {
      throw new UncheckedIOException("writing batch " + id + " to " + basePath, e);
    }
  }

  private static List<Path> listParquet(FileSystem fs, Path dir) throws IOException {
    List<Path> files = new ArrayList<>();
    RemoteIterator<LocatedFileStatus> it = fs.listFiles(dir, true);
    while (it.hasNext()) {
      Path p = it.next().getPath();
      if (p.getName().endsWith(".parquet")) {
        files.add(p);
      }
    }
    files.sort(null);
    return files;
  }

  private static String relativeParent(Path root, Path file) {
    String rootUri = root.toUri().getPath();
    String parent = file.getParent().toUri().getPath();
    return parent.length() > rootUri.length() ? parent.substring(rootUri.length() + 1) : "";
  }

  private static void write(FileSystem fs, Path path, String text) throws IOException {
    try (FSDataOutputStream out = fs.create(path, true)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
  }

  private static List<String> read(FileSystem fs, Path path) throws IOException {
    try (var in = fs.open(path)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
    }
  }
}
