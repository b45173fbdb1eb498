package com.fleetstream.terraform;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The README is a front page: every page under {@code docs/} is linked from it, and every relative
 * link of the README, the docs and the Terraform modules' READMEs reaches a file and, with a
 * fragment, a heading of that file (as GitHub makes its anchors).
 */
class DocsLinksTest {
  private static final Path REPO = TerraformStaticTest.repo();
  private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
  private static final Pattern HEADING = Pattern.compile("^#+ (.*)$", Pattern.MULTILINE);

  @Test
  void everyDocsPageIsLinkedFromTheReadme() throws IOException {
    String readme = Files.readString(REPO.resolve("README.md"));
    try (Stream<Path> pages = Files.list(REPO.resolve("docs"))) {
      assertThat(pages.filter(p -> p.toString().endsWith(".md")).map(p -> "docs/" + p.getFileName()))
          .isNotEmpty()
          .allSatisfy(page -> assertThat(readme).as("README.md links " + page).contains("](" + page + ")"));
    }
  }

  @Test
  void everyRelativeLinkReachesItsFileAndHeading() throws IOException {
    List<Path> files = new ArrayList<>(List.of(REPO.resolve("README.md")));
    try (Stream<Path> docs = Files.list(REPO.resolve("docs"));
        Stream<Path> modules = Files.walk(REPO.resolve("terraform"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
      modules.filter(p -> p.getFileName().toString().equals("README.md")).sorted().forEach(files::add);
    }
    List<String> broken = new ArrayList<>();
    for (Path file : files) {
      Matcher m = LINK.matcher(Files.readString(file));
      while (m.find()) {
        String link = m.group(1);
        if (link.matches("[a-z]+:.*")) {
          continue;
        }
        int hash = link.indexOf('#');
        String path = hash < 0 ? link : link.substring(0, hash);
        Path target = path.isEmpty() ? file : file.getParent().resolve(path).normalize();
        if (!Files.exists(target)) {
          broken.add(REPO.relativize(file) + ": " + link + " (no such file)");
        } else if (hash >= 0 && !anchors(target).contains(link.substring(hash + 1))) {
          broken.add(REPO.relativize(file) + ": " + link + " (no such heading)");
        }
      }
    }
    assertThat(broken).isEmpty();
  }

  /** GitHub's anchors: the heading lower-cased, punctuation but '-' and '_' dropped, spaces as '-'. */
  private static List<String> anchors(Path markdown) throws IOException {
    List<String> anchors = new ArrayList<>();
    Matcher m = HEADING.matcher(Files.readString(markdown));
    while (m.find()) {
      anchors.add(m.group(1).strip().toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}_\\- ]", "")
          .replace(' ', '-'));
    }
    return anchors;
  }
}
