package com.fleetstream.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fleetstream.deploy.iam.IamPolicies;
import com.fleetstream.rehearsal.lambda.HttpApi;
import com.fleetstream.rehearsal.lambda.LambdaFunction;
import com.fleetstream.rehearsal.terraform.Expressions;
import com.fleetstream.rehearsal.terraform.Terraform;
import com.fleetstream.testkit.ProjectPaths;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * The fleet API as every environment's plan deploys it: the routes are the OpenAPI document's and
 * take the authorizer where it says, the function is the built jar with a handler in it and only
 * settings the API reads, in the private subnets with a security group PostgreSQL and the endpoints
 * admit, and its connections stay within the reader login's limit. DeployedPipelineIT runs it.
 */
class ApiDeploymentIT {
  private static final List<String> ENVIRONMENTS = List.of("dev", "staging", "prod");
  private static final ObjectMapper JSON = new ObjectMapper();

  private static Terraform.Instance only(Terraform.Module m, String type, String name) {
    return m.resource(type, name).values().iterator().next();
  }

  @Test
  void theRoutesAreTheOpenApiDocumentsAndTakeTheAuthorizerWhereItSays() throws Exception {
    JsonNode doc = JSON.readTree(ProjectPaths.root().resolve("api/src/main/resources/openapi.json").toFile());
    Map<String, Boolean> documented = new java.util.TreeMap<>();
    doc.get("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(op ->
        documented.put(op.getKey().toUpperCase(java.util.Locale.ROOT) + " " + path.getKey().replace("{file}", "{file+}"),
            !op.getValue().has("security") || !op.getValue().get("security").isEmpty())));
    for (String env : ENVIRONMENTS) {
      HttpApi api = new HttpApi(Terraform.environment(env, Terraform.Cloud.TEST).child("api"));
      Map<String, Boolean> routes = new java.util.TreeMap<>();
      api.routes().forEach(r -> routes.put(r.key(), r.authorized()));
      assertThat(routes).as(env).isEqualTo(documented);
      assertThat(routes).as(env + ": the map's files are public").containsEntry("GET /web/{file+}", false);
      assertThat(api.route("GET", "/web/vendor/leaflet/leaflet.js")).isPresent();
      assertThat(api.route("GET", "/vehicles/truck-1/positions")).map(HttpApi.Route::authorized).contains(true);
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void theFunctionIsTheBuiltJarWithSettingsTheApiReads() throws Exception {
    java.nio.file.Path jar = ProjectPaths.root().resolve("api/target/fleetstream-api-lambda.jar");
    String built = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(
        Files.readAllBytes(jar)));
    for (String env : ENVIRONMENTS) {
      Terraform.Module api = Terraform.environment(env, Terraform.Cloud.TEST).child("api");
      Terraform.Instance function = only(api, "aws_lambda_function", "api");
      assertThat(Expressions.string(function.argument("source_code_hash"))).as(env).isEqualTo(built);
      assertThat(Expressions.truthy(function.argument("publish"))).isTrue();
      assertThat(((Map<String, Object>) ((List<Object>) function.argument("snap_start")).get(0)).get("apply_on"))
          .isEqualTo("PublishedVersions");
      LambdaFunction f = LambdaFunction.of(function);
      String handler = f.handler().substring(0, f.handler().indexOf("::"));
      try (JarFile j = new JarFile(jar.toFile())) {
        assertThat(j.getEntry(handler.replace('.', '/') + ".class")).as(handler + " in the jar").isNotNull();
        assertThat(j.getEntry("web/vendor/leaflet/leaflet.js")).as("the map's Leaflet in the jar").isNotNull();
        assertThat(j.getEntry("web/vendor/world-atlas/land-50m.json")).isNotNull();
      }
      // every variable the function gets is one the API reads (a misspelt one would be refused at start)
      assertThat(f.environment().keySet()).as(env).isSubsetOf(com.fleetstream.api.ApiConfig.ENVIRONMENT)
          .contains("PG_URL", "PG_SECRET_ID", "LOCATION_STREAM", "AUTH", "JWT_ISSUER", "JWT_AUDIENCE", "PG_SSL_ROOT_CERT");
      assertThat(f.environment().get("AUTH")).isEqualTo("api-gateway");
      // the map signs in with a code and PKCE only: no implicit grant, no token in a URL
      Terraform.Instance client = only(api, "aws_cognito_user_pool_client", "map");
      assertThat((List<Object>) client.argument("allowed_oauth_flows")).as(env).containsExactly("code");
      assertThat(Expressions.truthy(client.argument("generate_secret"))).isFalse();
      assertThat((List<Object>) client.argument("callback_urls")).containsExactly(
          Expressions.string(api.output("url")));
      Map<String, Object> jwt = (Map<String, Object>) ((List<Object>) only(api, "aws_apigatewayv2_authorizer",
          "cognito").argument("jwt_configuration")).get(0);
      assertThat(f.environment().get("JWT_ISSUER")).isEqualTo(Expressions.string(jwt.get("issuer")));
      assertThat(List.of(f.environment().get("JWT_AUDIENCE"))).isEqualTo(jwt.get("audience"));
      // no reservation by default: a new account's reduced concurrency quota refuses one
      // (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html)
      assertThat(function.argument("reserved_concurrent_executions")).as(env).isNull();
    }
    // where one is set, the reader login's CONNECTION LIMIT (48) holds every instance's pool
    Terraform.Module reserved = Terraform.environment("dev", Terraform.Cloud.TEST, Map.of("api_max_concurrency", "20"));
    Terraform.Instance function = only(reserved.child("api"), "aws_lambda_function", "api");
    assertThat(Integer.parseInt(Expressions.string(function.argument("reserved_concurrent_executions")))
        * Integer.parseInt(LambdaFunction.of(function).environment().get("PG_POOL_SIZE"))).isLessThanOrEqualTo(48);
    assertThat(reserved.allValidations()).isNotEmpty().doesNotContainValue(false);
    Terraform.Module tooMany = Terraform.environment("dev", Terraform.Cloud.TEST, Map.of("api_max_concurrency", "30"));
    assertThat(tooMany.validations()).containsValue(false);
  }

  /**
   * The function runs in the private subnets with its own security group, which PostgreSQL admits on
   * 5432 and the interface endpoints on 443; every service its role calls from there has an endpoint
   * (S3 the gateway's); its role reads only the API's secret.
   */
  @Test
  @SuppressWarnings("unchecked")
  void theFunctionReachesPostgresAndTheServicesItCallsFromItsSubnets() {
    for (String env : ENVIRONMENTS) {
      Terraform.Module root = Terraform.environment(env, Terraform.Cloud.TEST);
      Terraform.Instance function = only(root.child("api"), "aws_lambda_function", "api");
      Map<String, Object> vpc = (Map<String, Object>) ((List<Object>) function.argument("vpc_config")).get(0);
      String group = Expressions.string(((List<Object>) vpc.get("security_group_ids")).get(0));
      Terraform.Module postgres = root.child("postgres");
      assertThat(group).isEqualTo(Expressions.string(only(postgres, "aws_security_group", "api").get("id")));
      assertThat((List<Object>) vpc.get("subnet_ids")).isNotEmpty();
      Terraform.Instance fromApi = only(postgres, "aws_vpc_security_group_ingress_rule", "from_api");
      assertThat(Expressions.string(fromApi.argument("referenced_security_group_id"))).isEqualTo(group);
      assertThat(Expressions.string(fromApi.argument("security_group_id")))
          .isEqualTo(Expressions.string(only(postgres, "aws_security_group", "postgres").get("id")));
      assertThat(fromApi.argument("from_port").toString()).isEqualTo("5432");
      Terraform.Instance https = only(root.child("network"), "aws_vpc_security_group_ingress_rule", "https_from_api");
      assertThat(Expressions.string(https.argument("referenced_security_group_id"))).isEqualTo(group);

      String role = Expressions.string(only(root.child("api"), "aws_iam_role", "api").get("name"));
      Set<String> called = new TreeSet<>();
      IamPolicies.ofRole(root, role).actions().forEach(a -> called.add(a.substring(0, a.indexOf(':'))));
      // network interfaces, logs and the keys are Lambda's, Kinesis's and Secrets Manager's own calls
      called.removeAll(Set.of("ec2", "logs", "kms"));
      assertThat(called).containsExactlyInAnyOrder("kinesis", "secretsmanager", "s3");
      Map<String, Terraform.Instance> interfaces = root.child("network").resource("aws_vpc_endpoint", "interface");
      assertThat(interfaces).containsKeys("kinesis-streams", "secretsmanager");
      IamPolicies policies = IamPolicies.ofRole(root, role);
      assertThat(policies.allows(new com.fleetstream.deploy.iam.IamRequest("secretsmanager:GetSecretValue",
          Expressions.string(postgres.output("reader_secret_arn")), Map.of(), "the API's login"))).isTrue();
      assertThat(policies.allows(new com.fleetstream.deploy.iam.IamRequest("secretsmanager:GetSecretValue",
          Expressions.string(postgres.output("writer_secret_arn")), Map.of(), "the writer's login"))).isFalse();
    }
  }
}
