package nettboot.edge;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ByteRangeTest {
  @ParameterizedTest(name = "{0} of {1}")
  @CsvSource(delimiter = '|', value = {
      "bytes=0-99|1000|partial 0 99",
      "bytes=990-|1000|partial 990 999",
      "bytes=-10|1000|partial 990 999",
      "bytes=-5000|1000|partial 0 999",
      "bytes=0-5000|1000|partial 0 999",
      "bytes=1000-|1000|unsatisfiable",
      "bytes=-0|1000|unsatisfiable",
      "bytes=0-0|0|unsatisfiable",
      "bytes=5-2|1000|whole",
      "bytes=0-1,4-5|1000|whole",
      "items=0-5|1000|whole",
      "bytes=a-b|1000|whole",
      "bytes=99999999999999999999-|1000|whole",
      "bytes=|1000|whole",
      "BYTES=1-1|1000|partial 1 1",
  })
  void parsesRangeHeaders(String header, long size, String expected) {
    ByteRange.Request r = ByteRange.parse(header, size);
    String actual = switch (r) {
      case ByteRange.Whole w -> "whole";
      case ByteRange.Unsatisfiable u -> "unsatisfiable";
      case ByteRange.Partial p -> "partial " + p.range().first() + " " + p.range().last();
    };
    assertThat(actual).isEqualTo(expected);
  }
}
