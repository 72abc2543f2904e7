package cnnc.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void stringsSurviveAWriteAndARead() throws Json.SyntaxException {
        // Seeded, so a failure reproduces: random code points from all planes, control characters included.
        var random = new java.util.Random(7);
        for (int n = 0; n < 2000; n++) {
            var s = new StringBuilder();
            int length = random.nextInt(20);
            for (int i = 0; i < length; i++) {
                int cp;
                do {
                    cp = random.nextInt(4) == 0 ? random.nextInt(0x80) : random.nextInt(Character.MAX_CODE_POINT + 1);
                } while (Character.getType(cp) == Character.SURROGATE);
                s.appendCodePoint(cp);
            }
            var out = new StringBuilder();
            Json.writeString(out, s.toString());
            assertEquals(s.toString(), Json.parse(out.toString()));
        }
    }

    @Test
    void escapesWhatJsonRequires() {
        var out = new StringBuilder();
        Json.writeString(out, "a\"b\\c\nd\u0001é");
        assertEquals("\"a\\\"b\\\\c\\nd\\u0001é\"", out.toString());
        assertThrows(IllegalArgumentException.class, () -> Json.writeString(new StringBuilder(), "x\ud800"));
    }

    @Test
    void parsesTheValueKinds() throws Json.SyntaxException {
        Object v = Json.parse(" {\"a\": [1, -2.5e3, true, false, null], \"b\": {}, \"c\": \"\\u00e9\\ud83d\\ude00\\/\"} ");
        assertEquals(Map.of("a", List.of(new BigDecimal("1"), new BigDecimal("-2.5e3"), true, false, Json.NULL),
                "b", Map.of(), "c", "é😀/"), v);
    }

    @Test
    void rejectsWhatStrictJsonRejects() {
        for (String bad : new String[] {"", "{", "[1,]", "{\"a\":1,}", "01", "1.", "-", ".5", "+1", "'a'", "\"\\x\"",
                "\"\t\"", "\"\\ud800\"", "\"\\udc00\"", "[1] 2", "nul", "{\"a\" 1}", "{1:2}", "\"abc"}) {
            var e = assertThrows(Json.SyntaxException.class, () -> Json.parse(bad), bad);
            assertTrue(e.getMessage().contains("at character"), e.getMessage());
        }
    }

    @Test
    void limitsNesting() {
        assertThrows(Json.SyntaxException.class, () -> Json.parse("[".repeat(10_000)));
    }
}
