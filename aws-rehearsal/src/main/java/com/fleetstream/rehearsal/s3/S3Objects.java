package com.fleetstream.rehearsal.s3;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a deployment needs of S3 besides the SDKs under test: an upload, a listing, and S3's own event
 * notification.
 */
public final class S3Objects {
  private static final Pattern CONTENTS = Pattern.compile("<Contents>(.*?)</Contents>", Pattern.DOTALL);

  public record Listed(String key, String eTag, long size) {}

  private S3Objects() {}

  /** A plain PUT of the file to s3://bucket/key on the S3 server (what `aws s3 cp` does). */
  public static void put(URI endpoint, URI s3, Path file) throws IOException, InterruptedException {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create(endpoint + "/" + s3.getHost() + s3.getPath())).PUT(HttpRequest.BodyPublishers.ofFile(file))
        .build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("upload of " + file + " to " + s3 + ": " + r.statusCode() + " " + r.body());
    }
  }

  /**
   * A GET of s3://bucket/key from the S3 server into {@code target} (what `aws s3 cp` does), as
   * {@code accessKey}: the server checks no signature, so only the credential is named, for a recorder
   * to tell whose call it was.
   */
  public static Path get(URI endpoint, URI s3, Path target, String accessKey) throws IOException, InterruptedException {
    HttpResponse<Path> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create(endpoint.toString().replaceAll("/$", "") + "/" + s3.getHost() + s3.getPath()))
        .header("Authorization", "AWS4-HMAC-SHA256 Credential=" + accessKey + "/unsigned").GET().build(),
        HttpResponse.BodyHandlers.ofFile(target));
    if (r.statusCode() != 200) {
      Files.deleteIfExists(target);
      throw new IllegalStateException(s3 + ": the S3 server answered " + r.statusCode()
          + "; the deployment must upload it there");
    }
    return target;
  }

  /** ListObjectsV2 of a prefix on the S3 server (unsigned; the server checks no signature). */
  public static List<Listed> list(URI endpoint, String bucket, String prefix) throws IOException, InterruptedException {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(endpoint + "/" + bucket
        + "?list-type=2&prefix=" + URLEncoder.encode(prefix, StandardCharsets.UTF_8))).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("listing s3://" + bucket + "/" + prefix + ": " + r.statusCode() + " " + r.body());
    }
    List<Listed> out = new ArrayList<>();
    Matcher m = CONTENTS.matcher(r.body());
    while (m.find()) {
      String c = m.group(1);
      out.add(new Listed(element(c, "Key").replace("&amp;", "&"),
          element(c, "ETag").replace("&quot;", "").replace("\"", ""), Long.parseLong(element(c, "Size"))));
    }
    return out;
  }

  private static String element(String xml, String name) {
    Matcher m = Pattern.compile("<" + name + ">([^<]*)</" + name + ">").matcher(xml);
    if (!m.find()) {
      throw new IllegalStateException("no <" + name + "> in " + xml);
    }
    return m.group(1);
  }

  /**
   * The s3:ObjectCreated:Put notification S3 sends a Lambda function (event structure version 2.1);
   * the key is URL-encoded as S3 encodes it (slashes kept, spaces as "+").
   */
  public static String objectCreatedEvent(String region, String bucket, Listed o) {
    return """
        {"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"%s","eventTime":"%s",
        "eventName":"ObjectCreated:Put","userIdentity":{"principalId":"AWS:AROAEXAMPLEGLUE:glue"},
        "requestParameters":{"sourceIPAddress":"10.0.0.1"},
        "responseElements":{"x-amz-request-id":"C3D13FE58DE4C810","x-amz-id-2":"FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD"},
        "s3":{"s3SchemaVersion":"1.0","configurationId":"tf-s3-lambda-final",
        "bucket":{"name":"%s","ownerIdentity":{"principalId":"A3NL1KOZZKExample"},"arn":"arn:aws:s3:::%s"},
        "object":{"key":"%s","size":%d,"eTag":"%s","sequencer":"0A1B2C3D4E5F678901"}}}]}
        """.formatted(region, Instant.now(), bucket, bucket,
        URLEncoder.encode(o.key(), StandardCharsets.UTF_8).replace("%2F", "/"),
        o.size(), o.eTag());
  }
}
