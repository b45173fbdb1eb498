package com.fleetstream.terraform;

import static org.assertj.core.api.Assertions.assertThat;

import com.bertramlabs.plugins.hcl4j.HCLParser;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Terraform cannot be installed here, so {@code terraform/} is checked statically: every file
 * parses (hcl4j), variables and modules are wired consistently, the jobs and the Lambda name classes
 * and jars the build really makes, IAM stays least-privilege and every bucket private and encrypted.
 */
class TerraformStaticTest {
  private static final Path REPO = findRepo();
  private static final Path TERRAFORM = REPO.resolve("terraform");
  private static final Pattern VAR_USE = Pattern.compile("\\bvar\\.([a-z0-9_]+)");
  private static final Set<String> MODULE_META = Set.of("source", "version", "providers", "depends_on", "count",
      "for_each");
  /** Statements allowed a wildcard, with why AWS leaves no narrower choice. */
  private static final Map<String, String> WILDCARDS_ALLOWED = Map.of(
      "storage/key/KeyAdministration", "a key policy's resource is the key itself (\"*\"); the account root keeps "
          + "full control or the key becomes unmanageable (AWS's default key policy)",
      "storage/key/AlarmsPublishingToEncryptedTopics", "a key policy's resource is always \"*\"",
      "storage/key/RulesPublishingToEncryptedTopics", "a key policy's resource is always \"*\"",
      "glue/streaming/Metrics", "cloudwatch:PutMetricData has no resource-level permissions; limited by namespace",
      "glue/combine/Metrics", "cloudwatch:PutMetricData has no resource-level permissions; limited by namespace",
      "storage/tls_only/DenyInsecureTransport", "a Deny of every S3 action over plain HTTP: any narrower list "
          + "leaves the others open",
      "glue/login/VpcConnection", "EC2 network-interface and Describe* calls of Glue VPC connections take no "
          + "resource ARNs",
      "glue/streaming/VpcConnection", "EC2 network-interface and Describe* calls of Glue VPC connections take no "
          + "resource ARNs",
      "api/api/VpcAccess", "a Lambda in a VPC makes its network interfaces with its role, and those calls take no "
          + "resource ARNs (AWSLambdaVPCAccessExecutionRole's own statement)");

  private static final Map<Path, String> TEXT = new TreeMap<>();
  private static final Map<Path, Map<String, Object>> PARSED = new TreeMap<>();

  static Path repo() {
    return REPO;
  }

  private static Path findRepo() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve("terraform/modules")) && Files.isRegularFile(p.resolve("pom.xml"))) {
        return p;
      }
    }
    throw new IllegalStateException("repository root not found");
  }

  @BeforeAll
  static void parseEverything() throws Exception {
    try (Stream<Path> files = Files.walk(TERRAFORM)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".tf")).toList()) {
        TEXT.put(f, Files.readString(f));
        PARSED.put(f, new HCLParser().parse(f.toFile(), "UTF-8"));
      }
    }
    assertThat(PARSED).isNotEmpty();
  }

  private static List<Path> roots() throws IOException {
    List<Path> dirs = new ArrayList<>();
    dirs.add(TERRAFORM.resolve("deployment"));
    for (String kind : List.of("modules", "examples")) {
      try (Stream<Path> s = Files.list(TERRAFORM.resolve(kind))) {
        s.filter(Files::isDirectory).sorted().forEach(dirs::add);
      }
    }
    return dirs;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> blocks(Path dir, String type) {
    Map<String, Object> all = new TreeMap<>();
    PARSED.forEach((file, content) -> {
      if (file.getParent().equals(dir) && content.get(type) instanceof Map<?, ?> m) {
        all.putAll((Map<String, Object>) m);
      }
    });
    return all;
  }

  private static String text(Path dir) {
    StringBuilder s = new StringBuilder();
    TEXT.forEach((file, t) -> {
      if (file.getParent().equals(dir)) {
        s.append(t).append('\n');
      }
    });
    return s.toString();
  }

  @Test
  void everyRootAndModuleHasTheConventionalFiles() throws IOException {
    for (Path dir : roots()) {
      for (String f : List.of("main.tf", "variables.tf", "outputs.tf", "versions.tf")) {
        assertThat(dir.resolve(f)).as(TERRAFORM.relativize(dir) + "/" + f).isRegularFile();
      }
    }
    try (Stream<Path> envs = Files.list(TERRAFORM.resolve("envs"))) {
      assertThat(envs.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList())
          .containsExactly("dev", "prod", "staging");
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void everyVariableIsTypedDescribedAndUsedAndEveryUseDeclared() throws IOException {
    for (Path dir : roots()) {
      Map<String, Object> declared = blocks(dir, "variable");
      Set<String> used = new TreeSet<>();
      Matcher m = VAR_USE.matcher(text(dir));
      while (m.find()) {
        used.add(m.group(1));
      }
      assertThat(used).as("variables used in " + TERRAFORM.relativize(dir)).isEqualTo(declared.keySet());
      declared.forEach((name, body) -> assertThat((Map<String, Object>) body)
          .as(TERRAFORM.relativize(dir) + " variable " + name).containsKeys("type", "description"));
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void everyModuleCallPointsAtAModuleAndPassesWhatItRequires() throws IOException {
    int calls = 0;
    for (Path dir : roots()) {
      for (Map.Entry<String, Object> call : blocks(dir, "module").entrySet()) {
        Map<String, Object> args = (Map<String, Object>) call.getValue();
        Path source = dir.resolve((String) args.get("source")).normalize();
        assertThat(source.resolve("main.tf")).as("module " + call.getKey() + " in " + dir).isRegularFile();
        Map<String, Object> variables = blocks(source, "variable");
        Set<String> required = new TreeSet<>();
        variables.forEach((name, body) -> {
          if (!((Map<String, Object>) body).containsKey("default")) {
            required.add(name);
          }
        });
        Set<String> passed = new TreeSet<>(args.keySet());
        passed.removeAll(MODULE_META);
        assertThat(passed).as("arguments of module " + call.getKey() + " in " + TERRAFORM.relativize(dir))
            .containsAll(required).isSubsetOf(variables.keySet());
        calls++;
      }
    }
    assertThat(calls).as("nine in the deployment, five in the examples").isEqualTo(9 + 5);
  }

  /**
   * Terraform refuses a reference to a resource or data source its module does not declare; a moved
   * block's {@code from} names one that is gone on purpose.
   */
  @Test
  void everyResourceAndDataSourceReferencedIsDeclaredInItsModule() throws IOException {
    Pattern reference = Pattern.compile("(?<![.\\w\"])(data\\.)?(aws_[a-z0-9_]+)\\.([a-z0-9_]+)\\b");
    for (Path dir : roots()) {
      String text = text(dir).replaceAll("(?m)#.*$", "").replaceAll("(?m)^\\s*from\\s*=.*$", "");
      Set<String> declared = new TreeSet<>();
      Matcher d = Pattern.compile("(resource|data)\\s+\"(aws_[a-z0-9_]+)\"\\s+\"([a-z0-9_]+)\"").matcher(text);
      while (d.find()) {
        declared.add((d.group(1).equals("data") ? "data." : "") + d.group(2) + "." + d.group(3));
      }
      Set<String> missing = new TreeSet<>();
      Matcher r = reference.matcher(text);
      while (r.find()) {
        String ref = (r.group(1) == null ? "" : "data.") + r.group(2) + "." + r.group(3);
        if (!declared.contains(ref)) {
          missing.add(ref);
        }
      }
      assertThat(missing).as(dir.getFileName() + ": referenced but not declared").isEmpty();
    }
  }

  @Test
  void anEnvironmentIsOnlyItsVariableValuesForTheOneDeploymentRoot() throws IOException {
    for (String env : List.of("dev", "staging", "prod")) {
      try (Stream<Path> files = Files.list(TERRAFORM.resolve("envs").resolve(env))) {
        // backend.hcl and tfplan are a deployer's own, ignored by git
        assertThat(files.map(p -> p.getFileName().toString())
            .filter(f -> !f.equals("backend.hcl") && !f.equals("tfplan")).toList())
            .as("envs/" + env).containsExactly("terraform.tfvars");
      }
    }
  }

  @Test
  void noAccountIdOrRegionIsHardCoded() {
    TEXT.forEach((file, text) -> {
      assertThat(text).as(file.toString()).doesNotContainPattern("\\b\\d{12}\\b");
      assertThat(text).as(file.toString()).doesNotContainPattern("\"(us|eu|ap|sa|ca|me|af)-[a-z]+-\\d\"");
    });
  }

  @Test
  void glueJobsAndTheLambdaNameClassesAndJarsTheBuildMakes() throws Exception {
    Path jobsJar = REPO.resolve("jobs/target/fleetstream-jobs-glue.jar");
    Path lambdaJar = REPO.resolve("lambda-notifier/target/fleetstream-notifier-lambda.jar");
    assertThat(jobsJar).as("built by mvn package").isRegularFile();
    assertThat(lambdaJar).as("built by mvn package").isRegularFile();

    String glue = text(TERRAFORM.resolve("modules/glue"));
    Matcher classes = Pattern.compile("\"(com\\.fleetstream\\.[A-Za-z.]+)\"").matcher(glue);
    List<String> found = new ArrayList<>();
    while (classes.find()) {
      found.add(classes.group(1));
      assertThat(hasMain(jobsJar, classes.group(1))).as(classes.group(1) + " has public static main(String[])")
          .isTrue();
    }
    assertThat(found).containsExactlyInAnyOrder("com.fleetstream.jobs.LocationStreamingJob",
        "com.fleetstream.jobs.SensorStreamingJob", "com.fleetstream.jobs.CombineJob", "com.fleetstream.jobs.WriterLoginJob");
    String flat = glue.replaceAll("\\s+", " ");
    assertThat(flat).contains("\"--class\"", "\"--extra-jars\"", "\"--job-language\" = \"scala\"",
        "\"--datalake-formats\" = \"delta\"", "\"--enable-auto-scaling\" = \"true\"", "\"gluestreaming\"",
        "\"glueetl\"", "glue_version = \"5.0\"");
    assertThat(flat).contains("default = \"jars/" + jobsJar.getFileName() + "\"");

    String notifier = text(TERRAFORM.resolve("modules/notifier"));
    assertThat(notifier.replaceAll("\\s+", " ")).contains("default = \"jars/" + lambdaJar.getFileName() + "\"")
        .contains("handler = \"com.fleetstream.notifier.Handler::handleRequest\"");
    try (ZipFile zip = new ZipFile(lambdaJar.toFile())) {
      assertThat(zip.getEntry("com/fleetstream/notifier/Handler.class")).isNotNull();
    }
  }

  /** Reads the class file's method table: is there a {@code public static void main(String[])}? */
  private static boolean hasMain(Path jar, String className) throws IOException {
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      var entry = zip.getEntry(className.replace('.', '/') + ".class");
      if (entry == null) {
        return false;
      }
      try (InputStream raw = zip.getInputStream(entry); DataInputStream in = new DataInputStream(raw)) {
        in.readInt();
        in.readUnsignedShort();
        in.readUnsignedShort();
        int count = in.readUnsignedShort();
        String[] utf8 = new String[count];
        for (int i = 1; i < count; i++) {
          int tag = in.readUnsignedByte();
          switch (tag) {
            case 1 -> utf8[i] = in.readUTF();
            case 7, 8, 16, 19, 20 -> in.skipBytes(2);
            case 15 -> in.skipBytes(3);
            case 3, 4, 9, 10, 11, 12, 17, 18 -> in.skipBytes(4);
            case 5, 6 -> {
              in.skipBytes(8);
              i++;
            }
            default -> throw new IOException("constant pool tag " + tag);
          }
        }
        in.skipBytes(6);
        in.skipBytes(2 * in.readUnsignedShort());
        skipMembers(in);
        int methods = in.readUnsignedShort();
        for (int i = 0; i < methods; i++) {
          int flags = in.readUnsignedShort();
          String name = utf8[in.readUnsignedShort()];
          String descriptor = utf8[in.readUnsignedShort()];
          if (name.equals("main") && descriptor.equals("([Ljava/lang/String;)V") && (flags & 0x0009) == 0x0009) {
            return true;
          }
          skipAttributes(in);
        }
        return false;
      }
    }
  }

  private static void skipMembers(DataInputStream in) throws IOException {
    int n = in.readUnsignedShort();
    for (int i = 0; i < n; i++) {
      in.skipBytes(6);
      skipAttributes(in);
    }
  }

  private static void skipAttributes(DataInputStream in) throws IOException {
    int n = in.readUnsignedShort();
    for (int i = 0; i < n; i++) {
      in.skipBytes(2);
      in.skipBytes(in.readInt());
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void iamPoliciesNameActionsAndResourcesExceptWhereAwsAllowsNoLess() throws IOException {
    Set<String> wildcards = new TreeSet<>();
    int statements = 0;
    for (Path dir : roots()) {
      Map<String, Object> data = blocks(dir, "data");
      Map<String, Object> docs = (Map<String, Object>) data.getOrDefault("aws_iam_policy_document", Map.of());
      for (Map.Entry<String, Object> doc : docs.entrySet()) {
        Object st = ((Map<String, Object>) doc.getValue()).get("statement");
        List<Map<String, Object>> list = st instanceof List<?> l ? (List<Map<String, Object>>) l
            : List.of((Map<String, Object>) st);
        for (Map<String, Object> s : list) {
          statements++;
          String where = dir.getFileName() + "/" + doc.getKey() + "/" + s.get("sid");
          List<Object> actions = (List<Object>) s.getOrDefault("actions", List.of());
          List<Object> resources = s.get("resources") instanceof List<?> r ? (List<Object>) r : List.of();
          assertThat(actions).as(where + " actions").isNotEmpty();
          boolean wildcard = actions.stream().anyMatch(a -> String.valueOf(a).contains("*"))
              || resources.stream().anyMatch("*"::equals);
          if (wildcard) {
            wildcards.add(where);
          }
        }
      }
    }
    assertThat(statements).isGreaterThan(15);
    assertThat(wildcards).as("statements with a * action or resource").isEqualTo(WILDCARDS_ALLOWED.keySet());
  }

  @Test
  void everyBucketIsEncryptedPrivateAndTlsOnly() throws IOException {
    int buckets = 0;
    for (Path dir : roots()) {
      String text = text(dir);
      Matcher m = Pattern.compile("resource \"aws_s3_bucket\" \"([a-z_]+)\"").matcher(text);
      while (m.find()) {
        buckets++;
        String ref = "aws_s3_bucket." + m.group(1);
        for (String companion : List.of("aws_s3_bucket_server_side_encryption_configuration",
            "aws_s3_bucket_public_access_block", "aws_s3_bucket_policy")) {
          assertThat(text).as(companion + " for " + ref)
              .containsPattern("resource \"" + companion + "\" \"[a-z_]+\" \\{\\s*for_each\\s*=\\s*" + ref);
        }
      }
      assertThat(text).doesNotContain("sse_algorithm     = \"AES256\"");
    }
    assertThat(buckets).isEqualTo(1); // one resource, for_each over curated, final, artifacts, checkpoints
    assertThat(text(TERRAFORM.resolve("modules/storage"))).contains("\"aws:SecureTransport\"",
        "block_public_policy     = true", "sse_algorithm     = \"aws:kms\"");
  }

  @Test
  void crawlersComeFromTheSharedDefinitionAndNoSecretIsAnOutput() throws IOException {
    assertThat(text(TERRAFORM.resolve("modules/glue"))).contains("jsondecode(file(var.crawlers_file))");
    Path root = TERRAFORM.resolve("deployment");
    Matcher m = Pattern.compile("crawlers_file\\s*=\\s*\"\\$\\{path.root}/([^\"]+)\"").matcher(text(root));
    assertThat(m.find()).isTrue();
    assertThat(root.resolve(m.group(1)).normalize()).isEqualTo(REPO.resolve("crawlers/crawlers.json"));
    for (Path dir : roots()) {
      assertThat(Files.readString(dir.resolve("outputs.tf")).toLowerCase()).doesNotContainPattern("value\\s*=.*password");
    }
    assertThat(text(TERRAFORM.resolve("modules/postgres"))).contains("manage_master_user_password   = true")
        .contains("publicly_accessible           = false").contains("storage_encrypted             = true");
  }
}
