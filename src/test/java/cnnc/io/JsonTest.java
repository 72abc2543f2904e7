package cnnc.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Property
    void stringsSurviveAWriteAndARead(@ForAll String s) throws Json.SyntaxException {
        Assume.that(!hasLoneSurrogate(s));
        var out = new StringBuilder();
        Json.writeString(out, s);
        assertEquals(s, Json.parse(out.toString()));
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

    private static boolean hasLoneSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }
}
