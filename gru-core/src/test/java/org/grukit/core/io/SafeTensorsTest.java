package org.grukit.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.grukit.core.Fixtures;
import org.grukit.core.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The safetensors reader and writer: round trips, other dtypes, and every kind of damaged file. */
class SafeTensorsTest {
    @TempDir
    Path dir;

    /** A file from raw parts: the header text and the data bytes, with a chosen length field. */
    private Path raw(String name, long headerLenField, String header, byte[] data) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(headerLenField).put(h).put(data);
        Path p = dir.resolve(name);
        Files.write(p, b.array());
        return p;
    }

    private Path raw(String name, String header, byte[] data) throws IOException {
        return raw(name, header.getBytes(StandardCharsets.UTF_8).length, header, data);
    }

    @Test
    void writeThenReadGivesTheSameTensorsInOrder() throws IOException {
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("b.weight", Tensor.of(new float[] {1.5f, -2f, Float.MIN_VALUE, Float.MAX_VALUE, -0f, 3}, 2, 3));
        t.put("a", Tensor.scalar(7f));
        t.put("empty", Tensor.zeros(0, 4));
        Path p = dir.resolve("x.safetensors");
        SafeTensors.write(p, t, Map.of("format", "pt"));
        SafeTensors.Contents c = SafeTensors.read(p);
        assertEquals(t.keySet().stream().toList(), c.tensors().keySet().stream().toList());
        for (String k : t.keySet()) {
            assertArrayEquals(t.get(k).shape(), c.tensors().get(k).shape());
            assertArrayEquals(t.get(k).toArray(), c.tensors().get(k).toArray(), 0f);
        }
        assertEquals("pt", c.metadata().get("format"));
        long headerLen = ByteBuffer.wrap(Files.readAllBytes(p), 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, headerLen % 8, "header padded to 8 bytes");
    }

    @Test
    void readsOtherDtypesAsFloat() throws IOException {
        ByteBuffer d = ByteBuffer.allocate(2 + 2 + 8 + 8 + 4).order(ByteOrder.LITTLE_ENDIAN);
        d.putShort((short) 0x3e00); // F16 1.5
        d.putShort((short) 0xc040); // BF16 -3.0
        d.putDouble(0.25);
        d.putLong(-42);
        d.putInt(123456);
        String h = "{\"h\":{\"dtype\":\"F16\",\"shape\":[1],\"data_offsets\":[0,2]},"
                + "\"bf\":{\"dtype\":\"BF16\",\"shape\":[1],\"data_offsets\":[2,4]},"
                + "\"d\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[4,12]},"
                + "\"l\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[12,20]},"
                + "\"i\":{\"dtype\":\"I32\",\"shape\":[],\"data_offsets\":[20,24]}}";
        Map<String, Tensor> t = SafeTensors.load(raw("dtypes.safetensors", h, d.array()));
        assertEquals(1.5f, t.get("h").item());
        assertEquals(-3f, t.get("bf").item());
        assertEquals(0.25f, t.get("d").item());
        assertEquals(-42f, t.get("l").item());
        assertEquals(123456f, t.get("i").item());
        assertEquals(65504f, SafeTensors.halfToFloat((short) 0x7bff));
        assertEquals(5.9604645e-8f, SafeTensors.halfToFloat((short) 0x0001));
        assertTrue(Float.isNaN(SafeTensors.halfToFloat((short) 0x7e00)));
    }

    private void assertRefused(Path p, String fragment) {
        IOException e = assertThrows(IOException.class, () -> SafeTensors.load(p));
        assertTrue(e.getMessage().contains(fragment), "message should mention '" + fragment + "': " + e.getMessage());
    }

    /** A tensor with no elements ([100, 0]) is valid safetensors: it loads, with its shape, beside the others. */
    @Test
    void aZeroElementTensorLoads() throws IOException {
        Path p = raw("empty.safetensors", "{\"e\":{\"dtype\":\"F32\",\"shape\":[100,0],\"data_offsets\":[0,0]},"
                + "\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", new byte[8]);
        Map<String, Tensor> t = SafeTensors.load(p);
        assertArrayEquals(new int[] {100, 0}, t.get("e").shape());
        assertEquals(0, t.get("e").numel());
        assertEquals(2, t.get("w").numel());
    }

    @Test
    void damagedFilesFailWithAClearMessage() throws IOException {
        String ok = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
        byte[] eight = new byte[8];
        assertRefused(raw("lying-length", 1L << 40, ok, eight), "impossible");
        assertRefused(raw("negative-length", -5, ok, eight), "impossible");
        assertRefused(raw("truncated-data", ok, new byte[5]), "outside");
        assertRefused(raw("trailing-bytes", ok, new byte[12]), "trailing");
        assertRefused(raw("not-json", "{\"w\": [", eight), "not valid JSON");
        assertRefused(raw("shape-vs-bytes", "{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", eight), "needs 12 bytes");
        assertRefused(raw("huge-shape", "{\"w\":{\"dtype\":\"F32\",\"shape\":[1000000,1000000,1000000],\"data_offsets\":[0,8]}}",
                eight), "needs");
        assertRefused(raw("overlap", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", eight), "overlapping");
        assertRefused(raw("dtype", "{\"w\":{\"dtype\":\"C64\",\"shape\":[1],\"data_offsets\":[0,8]}}", eight), "not supported");
        assertRefused(raw("not-an-object", "[1,2]", new byte[0]), "JSON object");
        Path tiny = dir.resolve("tiny");
        Files.write(tiny, new byte[3]);
        assertRefused(tiny, "at least 8");
        // A real file cut short anywhere fails cleanly.
        byte[] good = Files.readAllBytes(Fixtures.path("gru_1layer"));
        for (int cut : new int[] {4, 9, good.length / 2, good.length - 1}) {
            Path p = dir.resolve("cut" + cut);
            Files.write(p, java.util.Arrays.copyOf(good, cut));
            assertThrows(IOException.class, () -> SafeTensors.load(p), "cut at " + cut);
        }
    }
}
