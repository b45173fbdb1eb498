package com.fleetstream.rehearsal.terraform;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The rehearsal's evaluator against the examples of Terraform's documentation
 * (https://developer.hashicorp.com/terraform/language/functions and .../expressions), each written
 * as Terraform prints the result in {@code terraform console}, here rendered as JSON.
 */
class ExpressionsTest {
  private static final Expressions.Scope SCOPE = new Expressions.Scope() {
    @Override
    public Object root(String name) {
      if (!name.equals("var")) {
        throw new IllegalArgumentException("no " + name);
      }
      return Map.of("list", List.of("a", "b"), "n", new BigDecimal(3), "name", "Ander",
          "objs", List.of(Map.of("id", "i-1"), Map.of("id", "i-2")));
    }

    @Override
    public Path moduleDir() {
      return Path.of(".");
    }
  };

  private static String eval(String expression) {
    return Expressions.json(Expressions.template("${" + expression + "}", SCOPE));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      merge({a="b", c="d"}, {e="f", c="z"})                        | {"a":"b","c":"z","e":"f"}
      concat(["a", ""], ["b", "c"])                                | ["a","","b","c"]
      flatten([["a", "b"], [], ["c"]])                             | ["a","b","c"]
      flatten([[["a", "b"], []], ["c"]])                           | ["a","b","c"]
      compact(["a", "", "b", "c"])                                 | ["a","b","c"]
      lookup({a="ay", b="bee"}, "a", "what?")                      | "ay"
      lookup({a="ay", b="bee"}, "c", "what?")                      | "what?"
      coalesce("a", "b")                                           | "a"
      coalesce("", "b")                                            | "b"
      join(", ", ["foo", "bar", "baz"])                            | "foo, bar, baz"
      split(",", "foo,bar,baz")                                    | ["foo","bar","baz"]
      format("Hello, %s!", "Ander")                                | "Hello, Ander!"
      format("There are %d lights", 4)                             | "There are 4 lights"
      lower("HELLO")                                               | "hello"
      upper("hello")                                               | "HELLO"
      replace("1 + 2 + 3", "+", "-")                               | "1 - 2 - 3"
      trimsuffix("helloworld", "world")                            | "hello"
      trimprefix("helloworld", "hello")                            | "world"
      element(["a", "b", "c"], 1)                                  | "b"
      element(["a", "b", "c"], 3)                                  | "a"
      length([])                                                   | 0
      length(["a", "b"])                                           | 2
      length({"a" = "b"})                                          | 1
      length("hello")                                              | 5
      contains(["a", "b", "c"], "a")                               | true
      contains(["a", "b", "c"], "d")                               | false
      keys({a=1, c=2, d=3})                                        | ["a","c","d"]
      values({a=3, c=2, d=1})                                      | [3,2,1]
      reverse([1, 2, 3])                                           | [3,2,1]
      ceil(5.1)                                                    | 6
      floor(4.9)                                                   | 4
      min(12, 54, 3)                                               | 3
      max(12, 54, 3)                                               | 54
      alltrue(["true", true])                                      | true
      anytrue([false])                                             | false
      startswith("hello world", "hello")                           | true
      endswith("hello world", "world")                             | true
      strcontains("hello world", "wor")                            | true
      jsonencode({"hello"="world"})                                | "{\\"hello\\":\\"world\\"}"
      regex("[a-z]+", "53453453.345345aaabbbccc23454")             | "aaabbbccc"
      cidrnetmask("172.16.0.0/12")                                 | "255.240.0.0"
      toset(["a", "b", "c", "b"])                                  | ["a","b","c"]
      tonumber("1")                                                | 1
      var.n > 2 ? "big" : "small"                                  | "big"
      [for s in var.list : upper(s)]                               | ["A","B"]
      {for s in var.list : s => upper(s)}                          | {"a":"A","b":"B"}
      [for s in var.list : s if s != "a"]                          | ["b"]
      var.objs[*].id                                               | ["i-1","i-2"]
      """)
  void evaluatesAsTerraformDocumentsIt(String expression, String expected) {
    assertThat(eval(expression)).isEqualTo(expected);
  }

  @Test
  void aTemplateInterpolatesAndOneInterpolationAloneKeepsItsType() {
    assertThat(Expressions.template("Hello, ${var.name}!", SCOPE)).isEqualTo("Hello, Ander!");
    assertThat(Expressions.template("${var.n}", SCOPE)).isEqualTo(new BigDecimal(3));
    assertThat(Expressions.template("${var.list}", SCOPE)).isEqualTo(List.of("a", "b"));
  }

  @Test
  void jsondecodeGivesTerraformValues() {
    assertThat(eval("jsondecode(\"{\\\"hello\\\": \\\"world\\\"}\")")).isEqualTo("{\"hello\":\"world\"}");
  }
}
