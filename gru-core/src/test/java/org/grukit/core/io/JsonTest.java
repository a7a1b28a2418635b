package org.grukit.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JacksonException;
import org.junit.jupiter.api.Test;

/** grukit's one JSON configuration refuses a value of the wrong type instead of converting it. */
class JsonTest {
    enum Kind { PLAIN, FANCY }

    record Settings(String name, boolean flag, int count, float rate, Kind kind) {}

    private static Settings bind(String json) throws JacksonException {
        return Json.bind(Json.parse(json), Settings.class);
    }

    @Test
    void theRightTypesBind() throws JacksonException {
        assertEquals(new Settings("x", true, 3, 2f, Kind.FANCY), bind("{\"name\":\"x\",\"flag\":true,\"count\":3,\"rate\":2,\"kind\":\"FANCY\"}"));
    }

    @Test
    void aValueOfTheWrongTypeIsAnErrorNotAConversion() {
        String[][] cases = {
            {"{\"name\":5}", "to `java.lang.String`"},
            {"{\"flag\":-5}", "to `boolean`"},
            {"{\"flag\":\"true\"}", "to `boolean`"},
            {"{\"count\":1.5}", "to `int`"},
            {"{\"count\":\"7\"}", "to `int`"},
            {"{\"rate\":\"1e3\"}", "to `float`"},
            {"{\"kind\":1}", "Kind"},
            {"{\"count\":3} trailing", "trailing"},
        };
        for (String[] c : cases) {
            JacksonException e = assertThrows(JacksonException.class, () -> bind(c[0]), c[0]);
            assertTrue(e.getMessage().contains(c[1]), c[0] + ": " + e.getMessage());
        }
    }
}
