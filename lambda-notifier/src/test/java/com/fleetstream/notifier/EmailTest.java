package com.fleetstream.notifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EmailTest {
  @Test
  void subjectsAreAsciiAndUnderAHundredCharacters() {
    assertThat(Email.ascii("Tür ✓\nnext")).isEqualTo("T?r ??next");
    String long120 = "x".repeat(120);
    assertThat(Email.ascii(long120)).hasSize(99).endsWith("...");
  }

  @Test
  void sizesAreHumanReadable() {
    assertThat(Email.size(512)).isEqualTo("512 B");
    assertThat(Email.size(1536)).isEqualTo("1.5 KiB");
    assertThat(Email.size(3L << 30)).isEqualTo("3.0 GiB");
  }

  @Test
  void aManifestWithoutAFieldIsRejectedByName() {
    assertThatThrownBy(() -> Manifest.parse("{\"run_id\": \"r\", \"finished_at\": \"t\", \"tables\": []}"))
        .hasMessage("manifest lacks field 'base_uri'");
    assertThatThrownBy(() -> Manifest.parse("{\"run_id\": 7, \"finished_at\": \"t\", \"base_uri\": \"b\", \"tables\": []}"))
        .hasMessage("manifest field 'run_id' is not a string");
  }
}
