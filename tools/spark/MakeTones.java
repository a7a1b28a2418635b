import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Writes made-up "yes"/"no" recordings for the Spark cluster script, named as the yesno corpus names its files (eight
 * words, 1 for yes and 0 for no: 0_1_1_0_0_1_0_1.wav), so grukit reads the folder as yesno: "yes" a 300 Hz tone, "no"
 * a 900 Hz one, 8 kHz 16-bit mono with silence and a little noise between words. Runs as a single-file program:
 *
 *   java tools/spark/MakeTones.java FOLDER COUNT SEED
 */
public final class MakeTones {
    public static void main(String[] args) throws IOException {
        Path dir = Files.createDirectories(Path.of(args[0]));
        int count = Integer.parseInt(args[1]);
        Random rng = new Random(Long.parseLong(args[2]));
        int rate = 8000, word = 1600, gap = 800;
        for (int n = 0; n < count; n++) {
            StringBuilder name = new StringBuilder();
            short[] x = new short[gap + 8 * (word + gap)];
            for (int w = 0; w < 8; w++) {
                boolean yes = rng.nextBoolean();
                name.append(w == 0 ? "" : "_").append(yes ? '1' : '0');
                double f = yes ? 300 : 900;
                for (int k = 0; k < word; k++) x[gap + w * (word + gap) + k] = (short) (0.5 * 32767 * Math.sin(2 * Math.PI * f * k / rate));
            }
            for (int i = 0; i < x.length; i++) x[i] = (short) Math.max(-32768, Math.min(32767, x[i] + Math.round(rng.nextGaussian() * 300)));
            Path file = dir.resolve(name + ".wav");
            if (Files.exists(file)) continue; // the same words twice: one file is enough
            ByteBuffer b = ByteBuffer.allocate(44 + 2 * x.length).order(ByteOrder.LITTLE_ENDIAN);
            b.put("RIFF".getBytes()).putInt(36 + 2 * x.length).put("WAVE".getBytes()).put("fmt ".getBytes()).putInt(16).putShort((short) 1)
                    .putShort((short) 1).putInt(rate).putInt(2 * rate).putShort((short) 2).putShort((short) 16).put("data".getBytes())
                    .putInt(2 * x.length);
            for (short s : x) b.putShort(s);
            Files.write(file, b.array());
        }
    }
}
