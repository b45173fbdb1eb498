package com.fleetstream.rehearsal.terraform;

import java.math.BigDecimal;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The attributes AWS assigns at apply time, in the formats AWS's documentation gives, derived from the
 * instance's own arguments (an id AWS makes up is a stable hash of the address, so a plan evaluates
 * the same twice). An attribute not modelled here fails, naming it.
 */
final class Computed {
  private Computed() {}

  static Object attribute(Terraform.Instance r, String attribute, Terraform.Cloud cloud) {
    String region = cloud.region();
    String account = cloud.account();
    String name = switch (r.type()) {
      case "aws_s3_bucket" -> str(r, "bucket");
      case "aws_lambda_function" -> str(r, "function_name");
      case "aws_db_instance" -> str(r, "identifier");
      case "aws_cloudwatch_metric_alarm" -> str(r, "alarm_name");
      default -> r.has("name") ? str(r, "name") : null;
    };
    String arn = switch (r.type()) {
      case "aws_s3_bucket" -> "arn:aws:s3:::" + name;
      case "aws_iam_role" -> "arn:aws:iam::" + account + ":role/" + name;
      case "aws_kinesis_stream" -> "arn:aws:kinesis:" + region + ":" + account + ":stream/" + name;
      case "aws_sns_topic" -> "arn:aws:sns:" + region + ":" + account + ":" + name;
      case "aws_sqs_queue" -> "arn:aws:sqs:" + region + ":" + account + ":" + name;
      case "aws_kms_key" -> "arn:aws:kms:" + region + ":" + account + ":key/" + uuid(r);
      case "aws_lambda_function" -> "arn:aws:lambda:" + region + ":" + account + ":function:" + name;
      case "aws_lambda_alias" -> "arn:aws:lambda:" + region + ":" + account + ":function:"
          + str(r, "function_name") + ":" + name;
      case "aws_cloudwatch_log_group" -> "arn:aws:logs:" + region + ":" + account + ":log-group:" + name;
      case "aws_cloudwatch_event_rule" -> "arn:aws:events:" + region + ":" + account + ":rule/" + name;
      case "aws_glue_job" -> "arn:aws:glue:" + region + ":" + account + ":job/" + name;
      case "aws_sfn_state_machine" -> "arn:aws:states:" + region + ":" + account + ":stateMachine:" + name;
      case "aws_glue_crawler" -> "arn:aws:glue:" + region + ":" + account + ":crawler/" + name;
      case "aws_glue_connection" -> "arn:aws:glue:" + region + ":" + account + ":connection/" + name;
      case "aws_glue_catalog_database" -> "arn:aws:glue:" + region + ":" + account + ":database/" + name;
      case "aws_db_instance" -> "arn:aws:rds:" + region + ":" + account + ":db:" + name;
      case "aws_cognito_user_pool" -> "arn:aws:cognito-idp:" + region + ":" + account + ":userpool/" + poolId(r, region);
      // Secrets Manager adds six random characters to the name
      case "aws_secretsmanager_secret" -> "arn:aws:secretsmanager:" + region + ":" + account + ":secret:" + name + "-"
          + suffix(r);
      default -> null;
    };
    switch (attribute) {
      case "arn":
        if (arn != null) {
          return arn;
        }
        break;
      case "id":
        return switch (r.type()) {
          case "aws_kms_key" -> uuid(r);
          case "aws_kinesis_stream", "aws_sns_topic" -> arn;
          case "aws_security_group" -> "sg-" + hex(r, 17);
          case "aws_cognito_user_pool" -> poolId(r, region);
          case "aws_cognito_user_pool_client" -> hex(r, 26);
          case "aws_apigatewayv2_api", "aws_apigatewayv2_authorizer", "aws_apigatewayv2_integration" -> hex(r, 10);
          case "aws_sqs_queue" -> "https://sqs." + region + ".amazonaws.com/" + account + "/" + name;
          default -> {
            if (name == null) {
              throw new IllegalArgumentException(r.address() + ".id is not modelled");
            }
            yield name;
          }
        };
      case "name":
      case "function_name":
        if (name != null) {
          return name;
        }
        break;
      case "key_id":
        return uuid(r);
      case "version":
        return "1";
      case "invoke_arn":
        return "arn:aws:apigateway:" + region + ":lambda:path/2015-03-31/functions/" + arn + "/invocations";
      case "endpoint":
        if (r.type().equals("aws_cognito_user_pool")) {
          return "cognito-idp." + region + ".amazonaws.com/" + poolId(r, region);
        }
        break;
      case "api_endpoint":
        return "https://" + hex(r, 10) + ".execute-api." + region + ".amazonaws.com";
      case "execution_arn":
        return "arn:aws:execute-api:" + region + ":" + account + ":" + hex(r, 10);
      case "domain":
        return str(r, "domain");
      case "address":
        return name + "." + hex(r, 12) + "." + region + ".rds.amazonaws.com";
      case "port":
        return new BigDecimal(5432);
      case "url":
        return "https://sqs." + region + ".amazonaws.com/" + account + "/" + name;
      case "master_user_secret":
        // RDS names the secret it manages rds!db-<resource id>, and Secrets Manager adds six characters
        return List.of(Map.of("secret_arn", "arn:aws:secretsmanager:" + region + ":" + account + ":secret:rds!db-"
            + uuid(r) + "-" + hex(r, 6), "kms_key_id", String.valueOf(r.argument("master_user_secret_kms_key_id"))));
      default:
        break;
    }
    throw new IllegalArgumentException(r.address() + "." + attribute + " is neither an argument nor modelled");
  }

  /** A user pool's id: its region, an underscore and nine characters. */
  private static String poolId(Terraform.Instance r, String region) {
    return region + "_" + suffix(r) + "abc";
  }

  private static String str(Terraform.Instance r, String argument) {
    return Expressions.string(r.argument(argument));
  }

  private static String uuid(Terraform.Instance r) {
    return UUID.nameUUIDFromBytes(r.address().getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString();
  }

  /** Six letters and digits, as Secrets Manager appends them to a secret's name in its ARN. */
  private static String suffix(Terraform.Instance r) {
    String chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    long h = UUID.nameUUIDFromBytes(r.address().getBytes(java.nio.charset.StandardCharsets.UTF_8))
        .getMostSignificantBits() & Long.MAX_VALUE;
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 6; i++) {
      b.append(chars.charAt((int) (h % chars.length())));
      h /= chars.length();
    }
    return b.toString();
  }

  private static String hex(Terraform.Instance r, int length) {
    String h = HexFormat.of().formatHex(uuid(r).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    return h.substring(0, length);
  }
}
