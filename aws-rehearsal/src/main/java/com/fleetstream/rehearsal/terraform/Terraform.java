package com.fleetstream.rehearsal.terraform;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fleetstream.rehearsal.terraform.Expressions.Reference;
import com.fleetstream.testkit.ProjectPaths;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * An environment root of {@code terraform/} as Terraform would plan it, for one test account and
 * region: tfvars, variable defaults, locals, module calls and outputs, resources with their
 * {@code for_each} and dynamic blocks, the data sources we use, and the attributes AWS computes
 * (ARNs, ids) in AWS's formats. Files are read with hcl2json (npm, {@code tools/hcl2json}).
 */
public final class Terraform {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<Path, Map<String, Object>> PARSED = new HashMap<>();

  /** The account and region a plan is made for, and the network already in the account. */
  public record Cloud(String account, String region, Network network) {
    public static final Cloud TEST = new Cloud("123456789012", "eu-central-1", Network.TEST);

    public Cloud withNetwork(Network other) {
      return new Cloud(account, region, other);
    }
  }

  /**
   * What {@code data "aws_vpc"} and {@code data "aws_subnet"} read from the account: the VPC's DNS
   * attributes and each subnet's availability zone (the subnets the environments' tfvars name).
   */
  public record Network(boolean enableDnsSupport, boolean enableDnsHostnames, Map<String, String> subnetZones) {
    public static final Network TEST = new Network(true, true, Map.of(
        "subnet-0123456789abcdef0", "eu-central-1a", "subnet-0fedcba9876543210", "eu-central-1b",
        "subnet-0123456789abcdef1", "eu-central-1a", "subnet-0fedcba9876543211", "eu-central-1b",
        "subnet-0123456789abcdef2", "eu-central-1b", "subnet-0fedcba9876543212", "eu-central-1c",
        "subnet-0aaaabbbbccccdddd", "eu-central-1a"));

    /** A VPC made by Terraform's aws_vpc or the console's defaults: DNS hostnames off. */
    public Network withoutDnsHostnames() {
      return new Network(enableDnsSupport, false, subnetZones);
    }
  }

  private Terraform() {}

  /** {@code terraform/deployment} with {@code terraform/envs/<env>/terraform.tfvars}. */
  public static Module environment(String env, Cloud cloud) {
    return environment(env, cloud, Map.of());
  }

  /**
   * {@code terraform/deployment} with {@code terraform/envs/<env>/terraform.tfvars}, then {@code vars}
   * over them, as {@code terraform plan -var-file=... -var name=value} takes them.
   */
  public static Module environment(String env, Cloud cloud, Map<String, Object> vars) {
    Path dir = ProjectPaths.root().resolve("terraform/deployment");
    Map<String, Object> tfvars = new TreeMap<>();
    Object parsed = parse(ProjectPaths.root().resolve("terraform/envs").resolve(env)).get("terraform.tfvars");
    if (parsed instanceof Map<?, ?> m) {
      m.forEach((k, v) -> tfvars.put((String) k, Expressions.value(v, null)));
    }
    tfvars.putAll(vars);
    Map<String, Function<String, Object>> inputs = new TreeMap<>();
    tfvars.forEach((k, v) -> inputs.put(k, ignored -> v));
    Module root = new Module(dir, dir, inputs, cloud);
    vars.keySet().forEach(root::variable); // as plan does, refuses a variable the root does not declare
    return root;
  }

  /** Every .tf and .tfvars file of a folder, as hcl2json gives it, by file name. */
  public static synchronized Map<String, Object> parse(Path dir) {
    return PARSED.computeIfAbsent(dir.normalize(), d -> {
      try {
        Path tools = ProjectPaths.root().resolve("tools/hcl2json");
        List<String> command = new ArrayList<>(List.of("node", tools.resolve("tf2json.js").toString(), d.toString()));
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
          throw new IllegalStateException("hcl2json failed on " + d + " (run npm ci in " + tools + ")");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> files = (Map<String, Object>) JSON.readValue(out, Map.class).get(d.toString());
        return files;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    });
  }

  /** One module instance: its blocks, and a scope that evaluates them. */
  public static final class Module implements Expressions.Scope {
    private final Path dir;
    private final Path rootDir;
    private final Map<String, Function<String, Object>> inputs;
    private final Cloud cloud;
    private final Map<String, Object> blocks = new TreeMap<>();
    private final Map<String, Object> localValues = new HashMap<>();
    private final Map<String, Module> children = new HashMap<>();
    private final Map<String, Map<String, Instance>> resources = new HashMap<>();

    Module(Path dir, Path rootDir, Map<String, Function<String, Object>> inputs, Cloud cloud) {
      this.dir = dir.normalize();
      this.rootDir = rootDir;
      this.inputs = inputs;
      this.cloud = cloud;
      parse(this.dir).forEach((file, content) -> {
        if (file.endsWith(".tf") && content instanceof Map<?, ?> m) {
          m.forEach((type, body) -> merge(blocks, (String) type, body));
        }
      });
    }

    @SuppressWarnings("unchecked")
    private static void merge(Map<String, Object> into, String type, Object body) {
      if (type.equals("locals")) {
        List<Object> all = (List<Object>) into.computeIfAbsent(type, k -> new ArrayList<>());
        all.addAll((List<Object>) body);
        return;
      }
      Map<String, Object> target = (Map<String, Object>) into.computeIfAbsent(type, k -> new TreeMap<>());
      if (body instanceof Map<?, ?> m) {
        m.forEach((k, v) -> {
          Object existing = target.get(k);
          if (existing instanceof Map<?, ?> && v instanceof Map<?, ?>) {
            ((Map<String, Object>) existing).putAll((Map<String, Object>) v);
          } else {
            target.put((String) k, v);
          }
        });
      }
    }

    @Override
    public Path moduleDir() {
      return dir;
    }

    public Path dir() {
      return dir;
    }

    public Cloud cloud() {
      return cloud;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> section(String type) {
      return (Map<String, Object>) blocks.getOrDefault(type, Map.of());
    }

    /** The block body of {@code type "name" {}} (single-label blocks: variable, output, module). */
    @SuppressWarnings("unchecked")
    private Map<String, Object> body(String type, String name) {
      Object b = section(type).get(name);
      if (b == null) {
        throw new IllegalArgumentException(type + " \"" + name + "\" is not declared in " + dir);
      }
      return ((List<Map<String, Object>>) b).get(0);
    }

    public Object variable(String name) {
      Map<String, Object> decl = body("variable", name);
      Function<String, Object> given = inputs.get(name);
      if (given != null) {
        return given.apply(name);
      }
      if (!decl.containsKey("default")) {
        throw new IllegalArgumentException("variable " + name + " of " + dir + " has no value and no default");
      }
      return Expressions.value(decl.get("default"), this);
    }

    @SuppressWarnings("unchecked")
    public Object local(String name) {
      if (localValues.containsKey(name)) {
        return localValues.get(name);
      }
      for (Object l : (List<Object>) blocks.getOrDefault("locals", List.of())) {
        Map<String, Object> m = (Map<String, Object>) l;
        if (m.containsKey(name)) {
          Object v = Expressions.value(m.get(name), this);
          localValues.put(name, v);
          return v;
        }
      }
      throw new IllegalArgumentException("local." + name + " is not declared in " + dir);
    }

    public Object output(String name) {
      return Expressions.value(body("output", name).get("value"), this);
    }

    public Module child(String name) {
      return children.computeIfAbsent(name, n -> {
        Map<String, Object> call = body("module", n);
        Map<String, Function<String, Object>> args = new TreeMap<>();
        Map<String, Object> memo = new HashMap<>();
        call.forEach((k, v) -> {
          if (!List.of("source", "providers", "depends_on", "version").contains(k)) {
            args.put(k, key -> memo.computeIfAbsent(key, x -> Expressions.value(v, this)));
          }
        });
        return new Module(dir.resolve((String) call.get("source")), rootDir, args, cloud);
      });
    }

    /** The instances of {@code resource "type" "name"}, by for_each key ("" without for_each). */
    @SuppressWarnings("unchecked")
    public Map<String, Instance> resource(String type, String name) {
      Map<String, Instance> known = resources.get(type + "." + name);
      if (known != null) {
        return known;
      }
      // not computeIfAbsent: a for_each over another resource evaluates that one first, inside this call
      Map<String, Instance> made = instances(type, name);
      resources.put(type + "." + name, made);
      return made;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Instance> instances(String type, String name) {
      {
        Map<String, Object> byName = (Map<String, Object>) section("resource").get(type);
        if (byName == null || !byName.containsKey(name)) {
          throw new IllegalArgumentException("resource " + type + "." + name + " is not declared in " + dir);
        }
        Map<String, Object> b = ((List<Map<String, Object>>) byName.get(name)).get(0);
        if (b.containsKey("count")) {
          throw new IllegalArgumentException(type + "." + name + ": count is not supported, use for_each");
        }
        Map<String, Instance> out = new TreeMap<>();
        if (!b.containsKey("for_each")) {
          out.put("", new Instance(type, name, "", b, this));
          return out;
        }
        forEachItems(Expressions.value(b.get("for_each"), this)).forEach((key, v) -> out.put(key, new Instance(type, name, key, b,
            new Expressions.Overlay(this, Map.of("each", Map.of("key", key, "value", v))))));
        return out;
      }
    }

    /** All resources of a type in this module, by name then key. */
    @SuppressWarnings("unchecked")
    public Map<String, Map<String, Instance>> resources(String type) {
      Map<String, Map<String, Instance>> out = new TreeMap<>();
      Map<String, Object> byName = (Map<String, Object>) section("resource").getOrDefault(type, Map.of());
      byName.keySet().forEach(n -> out.put(n, resource(type, n)));
      return out;
    }

    /** {@link #validations()} of this module and of every module it calls. */
    public Map<String, Boolean> allValidations() {
      Map<String, Boolean> all = new TreeMap<>();
      withDescendants().forEach(m -> all.putAll(m.validations()));
      return all;
    }

    /**
     * What a resource's or a module call's {@code depends_on} names, as written ({@code
     * aws_iam_role_policy.api}, {@code module.network}); {@code type} is "module" for a module call.
     */
    @SuppressWarnings("unchecked")
    public List<String> dependsOn(String type, String name) {
      Map<String, Object> b = type.equals("module") ? body("module", name) : block("resource", type, name);
      return ((List<Object>) b.getOrDefault("depends_on", List.of())).stream()
          .map(d -> ((String) d).replaceAll("^\\$\\{(.*)}$", "$1")).toList();
    }

    /** The names of the module calls. */
    public List<String> moduleCalls() {
      return new ArrayList<>(section("module").keySet());
    }

    /** This module and every module it calls, depth first. */
    public List<Module> withDescendants() {
      List<Module> all = new ArrayList<>(List.of(this));
      for (String name : moduleCalls()) {
        all.addAll(child(name).withDescendants());
      }
      return all;
    }

    /**
     * Every variable validation and resource precondition of this module, evaluated: what it checks
     * (the block and its error message) to whether it holds.
     */
    @SuppressWarnings("unchecked")
    public Map<String, Boolean> validations() {
      Map<String, Boolean> out = new TreeMap<>();
      section("variable").forEach((name, raw) -> {
        Map<String, Object> decl = ((List<Map<String, Object>>) raw).get(0);
        for (Object v : (List<Object>) decl.getOrDefault("validation", List.of())) {
          Map<String, Object> validation = (Map<String, Object>) v;
          out.put(dir + " variable " + name + ": " + validation.get("error_message"),
              Expressions.truthy(Expressions.value(validation.get("condition"), this)));
        }
      });
      ((Map<String, Object>) section("resource")).forEach((type, byName) ->
          ((Map<String, Object>) byName).keySet().forEach(name -> resource(type, name).values().forEach(r -> {
            if (r.has("lifecycle")) {
              Map<String, Object> lifecycle = (Map<String, Object>) ((List<Object>) r.argument("lifecycle")).get(0);
              for (Object c : (List<Object>) lifecycle.getOrDefault("precondition", List.of())) {
                Map<String, Object> pre = (Map<String, Object>) c;
                out.put(r.address() + " precondition: " + pre.get("error_message"),
                    Expressions.truthy(pre.get("condition")));
              }
            }
          })));
      return out;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Object root(String name) {
      return switch (name) {
        case "var" -> (Reference) this::variable;
        case "local" -> (Reference) this::local;
        case "module" -> (Reference) n -> (Reference) child(n)::output;
        case "path" -> Map.of("module", dir.toString(), "root", rootDir.toString(), "cwd", rootDir.toString());
        case "data" -> (Reference) type -> (Reference) n -> data(type, n);
        case "each", "count", "self" -> throw new IllegalArgumentException(name + " used outside its block in " + dir);
        default -> {
          if (!name.contains("_")) {
            throw new IllegalArgumentException("unknown reference " + name + " in " + dir);
          }
          yield (Reference) n -> {
            Map<String, Instance> instances = resource(name, n);
            if (instances.size() == 1 && instances.containsKey("")) {
              return instances.get("");
            }
            return new TreeMap<String, Object>(instances);
          };
        }
      };
    }

    @SuppressWarnings("unchecked")
    private Object data(String type, String name) {
      return switch (type) {
        case "aws_region" -> Map.of("name", cloud.region(), "id", cloud.region());
        case "aws_caller_identity" -> Map.of("account_id", cloud.account(), "id", cloud.account(),
            "arn", "arn:aws:iam::" + cloud.account() + ":root");
        case "aws_partition" -> Map.of("partition", "aws", "dns_suffix", "amazonaws.com");
        case "aws_vpc" -> {
          String id = Expressions.string(Expressions.value(block("data", type, name).get("id"), this));
          yield Map.of("id", id, "enable_dns_support", cloud.network().enableDnsSupport(),
              "enable_dns_hostnames", cloud.network().enableDnsHostnames());
        }
        case "aws_subnet" -> {
          String id = Expressions.string(Expressions.value(block("data", type, name).get("id"), this));
          String zone = cloud.network().subnetZones().get(id);
          if (zone == null) {
            throw new IllegalArgumentException("no subnet " + id + " in the account (data.aws_subnet." + name + ")");
          }
          yield Map.of("id", id, "availability_zone", zone);
        }
        case "aws_iam_policy_document" -> {
          Map<String, Object> b = block("data", type, name);
          if (!b.containsKey("for_each")) {
            yield rendered(PolicyDocuments.evaluate(b, this));
          }
          Map<String, Object> byKey = new TreeMap<>();
          forEachItems(Expressions.value(b.get("for_each"), this)).forEach((key, v) -> byKey.put(key, rendered(PolicyDocuments.evaluate(b,
              new Expressions.Overlay(this, Map.of("each", Map.of("key", key, "value", v)))))));
          yield byKey;
        }
        default -> throw new IllegalArgumentException("data source " + type + " is not modelled");
      };
    }

    /** The body of {@code <kind> "type" "name" {}} (kind: resource or data). */
    @SuppressWarnings("unchecked")
    private Map<String, Object> block(String kind, String type, String name) {
      return ((List<Map<String, Object>>) ((Map<String, Object>) section(kind).get(type)).get(name)).get(0);
    }

    /** A for_each value's items by key: a map's entries, or a set's elements as both key and value. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> forEachItems(Object each) {
      Map<String, Object> items = new TreeMap<>();
      if (each instanceof Map<?, ?> m) {
        m.forEach((key, v) -> items.put((String) key, v));
      } else {
        ((List<Object>) each).forEach(v -> items.put(Expressions.string(v), v));
      }
      return items;
    }

    private static Map<String, Object> rendered(Map<String, Object> doc) {
      return Map.of("json", Expressions.json(doc), "minified_json", Expressions.json(doc));
    }
  }

  /** One resource instance: its arguments and nested blocks evaluated on demand, and computed attributes. */
  public static final class Instance implements Reference {
    private final String type;
    private final String name;
    private final String key;
    private final Map<String, Object> body;
    private final Expressions.Scope scope;
    private final Map<String, Object> values = new LinkedHashMap<>();

    Instance(String type, String name, String key, Map<String, Object> body, Expressions.Scope scope) {
      this.type = type;
      this.name = name;
      this.key = key;
      this.body = body;
      this.scope = scope;
    }

    public String address() {
      return type + "." + name + (key.isEmpty() ? "" : "[\"" + key + "\"]");
    }

    /** An argument or nested block as written; null when absent. */
    public Object argument(String attribute) {
      if (values.containsKey(attribute)) {
        return values.get(attribute);
      }
      Object v = null;
      if (body.containsKey(attribute)) {
        v = Blocks.evaluate(body.get(attribute), scope);
      }
      if (Blocks.hasDynamic(body, attribute)) {
        // blocks written out and generated ones of the same type are all the resource's
        v = Blocks.concat(v, Blocks.dynamic(body, attribute, scope));
      }
      values.put(attribute, v);
      return v;
    }

    public boolean has(String attribute) {
      return body.containsKey(attribute) || Blocks.hasDynamic(body, attribute);
    }

    @Override
    public Object get(String attribute) {
      if (has(attribute)) {
        return argument(attribute);
      }
      return Computed.attribute(this, attribute, ((Module) module()).cloud());
    }

    String type() {
      return type;
    }

    String name() {
      return name;
    }

    private Expressions.Scope module() {
      Expressions.Scope s = scope;
      while (s instanceof Expressions.Overlay o) {
        s = o.base();
      }
      return s;
    }
  }
}
