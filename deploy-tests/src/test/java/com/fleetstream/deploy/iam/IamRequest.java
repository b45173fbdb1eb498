package com.fleetstream.deploy.iam;

import com.fleetstream.rehearsal.terraform.Expressions;
import com.fleetstream.rehearsal.terraform.Terraform;
import com.fleetstream.testkit.AwsWireRecorder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One authorization AWS makes for a call: action, resource ARN, and the request's condition keys.
 * {@link Mapper} turns what the stand-ins saw into these, with the KMS permissions a call needs on
 * the caller's behalf when the bucket, stream or topic is encrypted with a customer key (S3 asks for
 * GenerateDataKey on a write and Decrypt on a read, Kinesis for Decrypt on GetRecords, SNS for both
 * on Publish).
 */
public record IamRequest(String action, String resource, Map<String, String> context, String why) {

  @Override
  public String toString() {
    return action + " on " + resource + " (" + why + ")";
  }

  /** AWS calls to IAM requests in the plan's account and region, with its encryption keys. */
  public static final class Mapper {
    private final Terraform.Cloud cloud;
    private final Map<String, String> bucketKeys = new TreeMap<>();
    private final Map<String, String> streamKeys = new TreeMap<>();
    private final Map<String, String> topicKeys = new TreeMap<>();
    private final Map<String, String> secretKeys = new TreeMap<>();

    @SuppressWarnings("unchecked")
    public Mapper(Terraform.Module root) {
      this.cloud = root.cloud();
      Terraform.Module storage = root.child("storage");
      storage.resource("aws_s3_bucket_server_side_encryption_configuration", "this").values().forEach(sse -> {
        Map<String, Object> rule = (Map<String, Object>) ((List<Object>) sse.argument("rule")).get(0);
        Map<String, Object> by = (Map<String, Object>) ((List<Object>) rule.get("apply_server_side_encryption_by_default")).get(0);
        if ("aws:kms".equals(by.get("sse_algorithm"))) {
          bucketKeys.put(Expressions.string(sse.argument("bucket")), Expressions.string(by.get("kms_master_key_id")));
        }
      });
      root.child("kinesis").resource("aws_kinesis_stream", "this").values().forEach(s -> {
        if ("KMS".equals(s.argument("encryption_type"))) {
          streamKeys.put(Expressions.string(s.get("name")), Expressions.string(s.argument("kms_key_id")));
        }
      });
      root.child("notifier").resources("aws_sns_topic").values().forEach(byKey -> byKey.values().forEach(t -> {
        if (t.argument("kms_master_key_id") != null) {
          topicKeys.put(Expressions.string(t.get("arn")), Expressions.string(t.argument("kms_master_key_id")));
        }
      }));
      Terraform.Module postgres = root.child("postgres");
      postgres.resources("aws_secretsmanager_secret").values().forEach(byKey -> byKey.values().forEach(s -> {
        if (s.argument("kms_key_id") != null) {
          secretKeys.put(Expressions.string(s.get("arn")), Expressions.string(s.argument("kms_key_id")));
        }
      }));
      Terraform.Instance db = postgres.resource("aws_db_instance", "this").get("");
      if (db.argument("master_user_secret_kms_key_id") != null) {
        secretKeys.put(Expressions.string(postgres.output("secret_arn")),
            Expressions.string(db.argument("master_user_secret_kms_key_id")));
      }
    }

    private String arn(String service, String resource) {
      return "arn:aws:" + service + ":" + cloud.region() + ":" + cloud.account() + ":" + resource;
    }

    public List<IamRequest> kinesisOrS3(AwsWireRecorder.Call call) {
      List<IamRequest> out = new ArrayList<>();
      String why = call.service() + " " + call.operation() + " " + call.resource();
      if (call.service().equals("kinesis")) {
        String stream = call.resource();
        out.add(new IamRequest("kinesis:" + call.operation(),
            stream == null ? "*" : arn("kinesis", "stream/" + stream), Map.of(), why));
        if (call.operation().equals("GetRecords") && streamKeys.containsKey(stream)) {
          out.add(new IamRequest("kms:Decrypt", streamKeys.get(stream), Map.of(), why));
        }
        if (call.operation().startsWith("PutRecord") && streamKeys.containsKey(stream)) {
          out.add(new IamRequest("kms:GenerateDataKey", streamKeys.get(stream), Map.of(), why));
        }
        return out;
      }
      String resource = call.resource();
      String bucket = resource == null ? null : resource.contains("/") ? resource.substring(0, resource.indexOf('/'))
          : resource;
      String object = "arn:aws:s3:::" + resource;
      String action = switch (call.operation()) {
        case "GetObject", "HeadObject", "CopyObject(source)" -> "s3:GetObject";
        case "PutObject", "UploadPart", "CreateMultipartUpload", "CompleteMultipartUpload", "CopyObject" ->
            "s3:PutObject";
        case "DeleteObject", "DeleteObjects" -> "s3:DeleteObject";
        case "AbortMultipartUpload" -> "s3:AbortMultipartUpload";
        case "ListObjects", "HeadBucket" -> "s3:ListBucket";
        case "ListMultipartUploads" -> "s3:ListBucketMultipartUploads";
        case "GetBucketLocation" -> "s3:GetBucketLocation";
        case "ListBuckets" -> "s3:ListAllMyBuckets";
        default -> "s3:" + call.operation();
      };
      boolean bucketLevel = resource == null || !resource.contains("/");
      out.add(new IamRequest(action, resource == null ? "*" : object, Map.of(), why));
      String key = bucket == null ? null : bucketKeys.get(bucket);
      if (key != null && !bucketLevel) {
        if (action.equals("s3:PutObject")) {
          out.add(new IamRequest("kms:GenerateDataKey", key, Map.of(), why));
        } else if (action.equals("s3:GetObject")) {
          out.add(new IamRequest("kms:Decrypt", key, Map.of(), why));
        }
      }
      return out;
    }

    public List<IamRequest> snsPublish(String topicArn) {
      List<IamRequest> out = new ArrayList<>(List.of(new IamRequest("sns:Publish", topicArn, Map.of(), "sns Publish")));
      if (topicKeys.containsKey(topicArn)) {
        out.add(new IamRequest("kms:GenerateDataKey", topicKeys.get(topicArn), Map.of(), "sns Publish " + topicArn));
        out.add(new IamRequest("kms:Decrypt", topicKeys.get(topicArn), Map.of(), "sns Publish " + topicArn));
      }
      return out;
    }

    /** A Secrets Manager call ({@code GetSecretValue}, {@code PutSecretValue}) and the KMS calls it makes for the secret's key. */
    public List<IamRequest> secret(String operation, String secretArn) {
      String why = "secretsmanager " + operation + " " + secretArn;
      List<IamRequest> out = new ArrayList<>(List.of(new IamRequest("secretsmanager:" + operation, secretArn, Map.of(),
          why)));
      String key = secretKeys.get(secretArn);
      if (key != null) {
        out.add(new IamRequest(operation.startsWith("Put") ? "kms:GenerateDataKey" : "kms:Decrypt", key, Map.of(), why));
      }
      return out;
    }
  }
}
