package org.grukit.core.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.grukit.core.Tensor;

/**
 * Reads and writes the safetensors format (8-byte little-endian header length, a JSON header naming each
 * tensor's dtype, shape and byte range, then the raw little-endian data), so weights move to and from
 * PyTorch's {@code safetensors.torch.save_file} / {@code load_file} unchanged.
 *
 * <p>Everything the header claims is checked against the file before any tensor is allocated: a header
 * longer than the file, byte ranges outside the data, overlapping or gapped ranges, or a shape that does
 * not match its byte range fail with an {@link IOException} naming the tensor, so a corrupt or lying
 * file cannot make this allocate more than the file holds. Reads F32, F64, F16 and BF16 (converted to
 * float32) and I32/I64 (as exact float32 values below 2^24); writes F32.
 */
public final class SafeTensors {
    private SafeTensors() {}

    /** Headers larger than this are refused: real headers are kilobytes, even for large models. */
    static final long MAX_HEADER_BYTES = 100L << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A file's tensors (in header order) and its free-form string metadata. */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {}

    public static Map<String, Tensor> load(Path file) throws IOException {
        return read(file).tensors();
    }

    public static Contents read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long fileSize = ch.size();
            if (fileSize < 8) {
                throw new IOException(file + ": not a safetensors file: " + fileSize + " bytes, expected at least 8");
            }
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0, file);
            long headerLen = lenBuf.getLong(0);
            if (headerLen <= 0 || headerLen > fileSize - 8 || headerLen > MAX_HEADER_BYTES) {
                throw new IOException(file + ": header length " + Long.toUnsignedString(headerLen)
                        + " is impossible for a file of " + fileSize + " bytes (truncated or not safetensors)");
            }
            ByteBuffer headerBuf = ByteBuffer.allocate((int) headerLen);
            readFully(ch, headerBuf, 8, file);
            JsonNode header;
            try {
                header = JSON.readTree(new String(headerBuf.array(), StandardCharsets.UTF_8).trim());
            } catch (JsonProcessingException e) {
                throw new IOException(file + ": header is not valid JSON: " + e.getOriginalMessage(), e);
            }
            if (header == null || !header.isObject()) {
                throw new IOException(file + ": header must be a JSON object");
            }
            long dataStart = 8 + headerLen, dataLen = fileSize - dataStart;
            List<Entry> entries = new ArrayList<>();
            Map<String, String> metadata = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                if (f.getKey().equals("__metadata__")) {
                    if (!f.getValue().isObject()) throw new IOException(file + ": __metadata__ must be an object");
                    f.getValue().fields().forEachRemaining(m -> metadata.put(m.getKey(), m.getValue().asText()));
                    continue;
                }
                entries.add(Entry.parse(file, f.getKey(), f.getValue(), dataLen));
            }
            // The byte ranges must tile the data exactly: no overlap, no gap, nothing past the end.
            List<Entry> sorted = new ArrayList<>(entries);
            sorted.sort((a, b) -> Long.compare(a.begin, b.begin));
            long expected = 0;
            for (Entry e : sorted) {
                if (e.begin != expected) {
                    throw new IOException(file + ": tensor " + e.name + " starts at byte " + e.begin + ", expected "
                            + expected + " (overlapping or gapped data)");
                }
                expected = e.end;
            }
            if (expected != dataLen) {
                throw new IOException(file + ": tensors cover " + expected + " data bytes but the file has " + dataLen
                        + " (truncated or trailing bytes)");
            }
            LinkedHashMap<String, Tensor> tensors = new LinkedHashMap<>();
            for (Entry e : entries) {
                ByteBuffer buf = ByteBuffer.allocate((int) (e.end - e.begin)).order(ByteOrder.LITTLE_ENDIAN);
                readFully(ch, buf, dataStart + e.begin, file);
                buf.flip();
                tensors.put(e.name, Tensor.of(e.decode(buf), e.shape));
            }
            return new Contents(Collections.unmodifiableMap(tensors), Collections.unmodifiableMap(metadata));
        }
    }

    /** Writes {@code tensors} as F32 (in map order) with optional string metadata, atomically. */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        ObjectNode header = JSON.createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode meta = header.putObject("__metadata__");
            metadata.forEach(meta::put);
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            if (e.getKey().equals("__metadata__")) throw new IllegalArgumentException("__metadata__ is a reserved name");
            Tensor t = e.getValue();
            ObjectNode n = header.putObject(e.getKey());
            n.put("dtype", "F32");
            var shape = n.putArray("shape");
            for (int d : t.shape()) shape.add(d);
            var offs = n.putArray("data_offsets");
            offs.add(offset);
            offs.add(offset + 4L * t.numel());
            offset += 4L * t.numel();
        }
        byte[] h = JSON.writeValueAsBytes(header);
        int padded = (h.length + 7) / 8 * 8; // the spec allows trailing spaces; 8-byte alignment helps mmap readers
        AtomicFiles.write(file, out -> {
            ByteBuffer lb = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
            out.write(lb.array());
            out.write(h);
            for (int i = h.length; i < padded; i++) out.write(' ');
            ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
            for (Tensor t : tensors.values()) {
                float[] d = t.array();
                for (int i = 0; i < t.numel(); i++) {
                    if (buf.remaining() < 4) flush(buf, out);
                    buf.putFloat(d[t.offset() + i]);
                }
            }
            flush(buf, out);
        });
    }

    private static void flush(ByteBuffer buf, OutputStream out) throws IOException {
        out.write(buf.array(), 0, buf.position());
        buf.clear();
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position, Path file) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) throw new IOException(file + ": unexpected end of file at byte " + pos);
            pos += n;
        }
    }

    /** One header entry, validated against the data length. */
    private static final class Entry {
        final String name, dtype;
        final int[] shape;
        final long begin, end;
        final int numel;

        private Entry(String name, String dtype, int[] shape, long begin, long end, int numel) {
            this.name = name;
            this.dtype = dtype;
            this.shape = shape;
            this.begin = begin;
            this.end = end;
            this.numel = numel;
        }

        static Entry parse(Path file, String name, JsonNode n, long dataLen) throws IOException {
            String where = file + ": tensor " + name;
            if (!n.isObject() || !n.path("dtype").isTextual() || !n.path("shape").isArray()
                    || !n.path("data_offsets").isArray() || n.path("data_offsets").size() != 2) {
                throw new IOException(where + ": expected {dtype, shape, data_offsets: [begin, end]}, got " + n);
            }
            String dtype = n.get("dtype").asText();
            int width = switch (dtype) {
                case "F32", "I32" -> 4;
                case "F64", "I64" -> 8;
                case "F16", "BF16" -> 2;
                default -> throw new IOException(where + ": dtype " + dtype
                        + " is not supported (expected F32, F64, F16, BF16, I32 or I64)");
            };
            JsonNode s = n.get("shape");
            int[] shape = new int[s.size()];
            long numel = 1;
            for (int i = 0; i < shape.length; i++) {
                if (!s.get(i).canConvertToLong() || s.get(i).asLong() < 0 || s.get(i).asLong() > Integer.MAX_VALUE) {
                    throw new IOException(where + ": invalid dimension " + s.get(i));
                }
                shape[i] = (int) s.get(i).asLong();
            }
            // Every dimension is read first: a zero anywhere makes an empty tensor ([100, 0] is valid), and a product
            // beyond the data is capped so that it is reported below without overflowing.
            for (int d : shape) {
                numel = d == 0 || numel == 0 ? 0 : numel > (dataLen + 1) / d ? dataLen + 1 : numel * d;
            }
            JsonNode o = n.get("data_offsets");
            if (!o.get(0).canConvertToLong() || !o.get(1).canConvertToLong()) {
                throw new IOException(where + ": data_offsets must be integers, got " + o);
            }
            long begin = o.get(0).asLong(), end = o.get(1).asLong();
            if (begin < 0 || end < begin || end > dataLen) {
                throw new IOException(where + ": data_offsets [" + begin + ", " + end + ") fall outside the "
                        + dataLen + " data bytes of the file");
            }
            if (numel * width != end - begin) {
                throw new IOException(where + ": shape " + java.util.Arrays.toString(shape) + " of " + dtype + " needs "
                        + (numel * width) + " bytes, data_offsets give " + (end - begin));
            }
            if (numel > Integer.MAX_VALUE - 8) throw new IOException(where + ": too many values for one array");
            return new Entry(name, dtype, shape, begin, end, (int) numel);
        }

        float[] decode(ByteBuffer b) {
            float[] out = new float[numel];
            for (int i = 0; i < numel; i++) {
                out[i] = switch (dtype) {
                    case "F32" -> b.getFloat();
                    case "F64" -> (float) b.getDouble();
                    case "I32" -> b.getInt();
                    case "I64" -> b.getLong();
                    case "F16" -> halfToFloat(b.getShort());
                    default -> Float.intBitsToFloat((b.getShort() & 0xffff) << 16); // BF16
                };
            }
            return out;
        }
    }

    /** IEEE 754 binary16 to float32 (Float.float16ToFloat arrived only in Java 20). */
    static float halfToFloat(short h) {
        int bits = h & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1f;
        int mant = bits & 0x3ff;
        if (exp == 0x1f) return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        if (exp == 0) {
            if (mant == 0) return Float.intBitsToFloat(sign);
            float v = mant / 1024f * (float) Math.pow(2, -14);
            return sign != 0 ? -v : v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }
}
