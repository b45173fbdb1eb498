package com.fleetstream.kinesis;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.util.SerializableConfiguration;

/** Small text files the source keeps under its checkpoint location, on any Hadoop file system (S3 too). */
final class CheckpointFiles implements Serializable {
  private final String root;
  private final SerializableConfiguration hadoop;

  CheckpointFiles(String checkpointLocation, Configuration hadoop) {
    this.root = checkpointLocation;
    this.hadoop = new SerializableConfiguration(hadoop);
  }

  String root() {
    return root;
  }

  private String location(String name) {
    return root + "/" + name;
  }

  Optional<String> read(String name) {
    Path file = new Path(location(name));
    try (FSDataInputStream in = file.getFileSystem(hadoop.value()).open(file)) {
      return Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (FileNotFoundException e) {
      return Optional.empty(); // one request, not an existence check and then a read (S3)
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /** Written aside and renamed, so a reader sees the whole content or none. */
  void write(String name, String content) {
    Path file = new Path(location(name));
    Path tmp = new Path(file.getParent(), "." + file.getName() + "." + UUID.randomUUID() + ".tmp");
    try {
      FileSystem fs = file.getFileSystem(hadoop.value());
      try (FSDataOutputStream out = fs.create(tmp, false)) {
        out.write(content.getBytes(StandardCharsets.UTF_8));
      }
      if (!fs.rename(tmp, file)) {
        throw new IOException("rename to " + file + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /** The entries of directory {@code name}, none if it does not exist. */
  List<FileStatus> list(String name) {
    Path dir = new Path(location(name));
    try {
      FileSystem fs = dir.getFileSystem(hadoop.value());
      return fs.exists(dir) ? List.of(fs.listStatus(dir)) : List.of();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
  }

  void delete(Path path) {
    try {
      path.getFileSystem(hadoop.value()).delete(path, true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + path, e);
    }
  }
}
