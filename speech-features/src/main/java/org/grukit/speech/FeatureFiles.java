package org.grukit.speech;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.grukit.core.io.AtomicFiles;

/**
 * Writes a feature matrix [frames][coefficients] as CSV (a frame per line, comma-separated, no header) or as
 * NumPy's .npy (format 1.0, little-endian float32, C order), chosen by the file's extension. Writes are atomic.
 */
public final class FeatureFiles {
    private FeatureFiles() {}

    public static void write(Path file, float[][] features) throws IOException {
        String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        if (name.endsWith(".npy")) writeNpy(file, features);
        else if (name.endsWith(".csv")) writeCsv(file, features);
        else throw new IllegalArgumentException("output " + file + " must end in .csv or .npy");
    }

    public static void writeCsv(Path file, float[][] features) throws IOException {
        AtomicFiles.write(file, out -> {
            StringBuilder line = new StringBuilder();
            for (float[] frame : features) {
                line.setLength(0);
                for (int i = 0; i < frame.length; i++) {
                    if (i > 0) line.append(',');
                    line.append(frame[i]);
                }
                line.append('\n');
                out.write(line.toString().getBytes(StandardCharsets.UTF_8));
            }
        });
    }

    public static void writeNpy(Path file, float[][] features) throws IOException {
        int rows = features.length, cols = rows == 0 ? 0 : features[0].length;
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + rows + ", " + cols + "), }";
        int unpadded = 10 + dict.length() + 1; // magic, version, length field, dict, newline
        int pad = (64 - unpadded % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        AtomicFiles.write(file, out -> {
            ByteBuffer h = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN);
            h.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0)
                    .putShort((short) header.length());
            out.write(h.array());
            out.write(header.getBytes(StandardCharsets.US_ASCII));
            ByteBuffer row = ByteBuffer.allocate(4 * cols).order(ByteOrder.LITTLE_ENDIAN);
            for (float[] frame : features) {
                if (frame.length != cols) throw new IllegalArgumentException("rows of different lengths");
                row.clear();
                for (float v : frame) row.putFloat(v);
                out.write(row.array());
            }
        });
    }
}
