package org.grukit.speech;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads WAV files: PCM 8 (unsigned), 16, 24 and 32-bit, IEEE float 32 and 64-bit, G.711 mu-law and A-law, plain or
 * WAVE_FORMAT_EXTENSIBLE, any number of channels, any sample rate; skips other chunks (LIST, fact, ...) and
 * their pad bytes. Samples come out as floats in [-1, 1] (integers divided by 2^(bits-1)), frame by frame,
 * in blocks, so a long file never has to fit in memory.
 *
 * <p>Every size the header claims is checked against the file before anything is allocated. A data size of
 * 0 or 0xFFFFFFFF with bytes after it (what streaming writers leave) means "to the end of the file"; any
 * other size larger than what follows is an error, as are a missing fmt or data chunk, unsupported
 * encodings (ADPCM and others), zero channels, inconsistent block sizes, and NaN or infinite float
 * samples. An empty data chunk is a valid file of zero frames.
 */
public final class WavReader implements AutoCloseable {
    private static final int BLOCK_FRAMES = 1 << 14;
    /** Below this a "recording" holds nothing speech features can use, and resampling it up would cost without end. */
    static final int MIN_RATE = 1000;
    /** Samples buffered at once over all channels: a header claiming 65,535 channels costs 4 MB, not 4 GB. */
    private static final int BLOCK_SAMPLES = 1 << 20;
    private final Path path;
    private final FileChannel channel;
    private final WavFormat format;
    private final long dataStart;
    private long framesRead;
    private ByteBuffer block;

    private WavReader(Path path, FileChannel channel, WavFormat format, long dataStart) {
        this.path = path;
        this.channel = channel;
        this.format = format;
        this.dataStart = dataStart;
    }

    public static WavReader open(Path path) throws IOException {
        FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
        try {
            return parse(path, ch);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    public WavFormat format() {
        return format;
    }

    private static IOException bad(Path p, String msg) {
        return new IOException(p + ": " + msg);
    }

    private static WavReader parse(Path p, FileChannel ch) throws IOException {
        long size = ch.size();
        ByteBuffer head = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        if (size < 12 || readAt(ch, head, 0) < 12) throw bad(p, "not a WAV file: " + size + " bytes, expected at least 12");
        if (head.getInt(0) != 0x46464952 || head.getInt(8) != 0x45564157) { // "RIFF" ... "WAVE"
            throw bad(p, "not a WAV file: it does not start with RIFF....WAVE");
        }
        long pos = 12;
        ByteBuffer fmt = null;
        ByteBuffer chunk = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        while (pos + 8 <= size) {
            chunk.clear();
            readAt(ch, chunk, pos);
            int id = chunk.getInt(0);
            long len = Integer.toUnsignedLong(chunk.getInt(4));
            long body = pos + 8, available = size - body;
            if (id == 0x20746d66) { // "fmt "
                if (len < 16 || len > 4096 || len > available) {
                    throw bad(p, "fmt chunk of " + len + " bytes is impossible here (expected 16 to 4096, " + available
                            + " bytes left in the file)");
                }
                fmt = ByteBuffer.allocate((int) len).order(ByteOrder.LITTLE_ENDIAN);
                readAt(ch, fmt, body);
            } else if (id == 0x61746164) { // "data"
                if (fmt == null) throw bad(p, "data chunk comes before any fmt chunk");
                WavFormat f = format(p, fmt, 0);
                int bpf = f.bytesPerFrame();
                long dataBytes;
                if ((len == 0 || len == 0xFFFFFFFFL) && available > 0) {
                    dataBytes = available - available % bpf; // streaming writer: up to the end of the file
                } else if (len > available) {
                    throw bad(p, "data chunk claims " + len + " bytes but only " + available
                            + " follow it (truncated file?)");
                } else {
                    dataBytes = len - len % bpf;
                }
                return new WavReader(p, ch, format(p, fmt, dataBytes / bpf), body);
            }
            long next = body + len + (len & 1); // chunks are padded to an even size
            if (next <= pos) throw bad(p, "chunk at byte " + pos + " has an impossible size " + len);
            pos = next;
        }
        throw bad(p, fmt == null ? "no fmt chunk" : "no data chunk");
    }

    static WavFormat format(Path p, ByteBuffer fmt, long frames) throws IOException {
        int tag = Short.toUnsignedInt(fmt.getShort(0));
        int channels = Short.toUnsignedInt(fmt.getShort(2));
        long rate = Integer.toUnsignedLong(fmt.getInt(4));
        int blockAlign = Short.toUnsignedInt(fmt.getShort(12));
        int bits = Short.toUnsignedInt(fmt.getShort(14));
        if (tag == 0xFFFE) { // WAVE_FORMAT_EXTENSIBLE: the real tag opens the sub-format GUID
            if (fmt.capacity() < 40) throw bad(p, "extensible fmt chunk of " + fmt.capacity() + " bytes, expected 40");
            tag = Short.toUnsignedInt(fmt.getShort(24));
        }
        WavFormat.Encoding enc = switch (tag) {
            case 1 -> WavFormat.Encoding.PCM;
            case 3 -> WavFormat.Encoding.FLOAT;
            case 6 -> WavFormat.Encoding.A_LAW;
            case 7 -> WavFormat.Encoding.MU_LAW;
            default -> throw bad(p, "unsupported encoding tag " + tag + (tag == 2 || tag == 17 ? " (ADPCM)" : "")
                    + "; supported are PCM 8/16/24/32-bit, IEEE float 32/64-bit, mu-law and A-law");
        };
        if (channels == 0) throw bad(p, "the file declares zero channels");
        if (rate < MIN_RATE || rate > 10_000_000) {
            throw bad(p, "sample rate " + rate + " Hz is not audio grukit reads (expected " + MIN_RATE + " to 10,000,000 Hz)");
        }
        boolean okBits = switch (enc) {
            case PCM -> bits == 8 || bits == 16 || bits == 24 || bits == 32;
            case FLOAT -> bits == 32 || bits == 64;
            case MU_LAW, A_LAW -> bits == 8;
        };
        if (!okBits) throw bad(p, bits + "-bit " + enc + " samples are not supported");
        if (blockAlign != channels * bits / 8) {
            throw bad(p, "block align " + blockAlign + " does not match " + channels + " channels of " + bits + " bits");
        }
        return new WavFormat(enc, channels, (int) rate, bits, frames);
    }

    private static int readAt(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
        int total = 0;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos + total);
            if (n < 0) break;
            total += n;
        }
        return total;
    }

    /**
     * Reads up to {@code maxFrames} frames into out[channel][offset + i]; returns the frames read, 0 at the end.
     */
    public int read(float[][] out, int offset, int maxFrames) throws IOException {
        int channels = format.channels();
        if (out.length != channels) throw new IllegalArgumentException("expected " + channels + " channel arrays, got " + out.length);
        long left = format.frames() - framesRead;
        int frames = (int) Math.min(left, Math.min(maxFrames, BLOCK_FRAMES));
        if (frames <= 0) return 0;
        int bytes = frames * format.bytesPerFrame();
        if (block == null || block.capacity() < bytes) block = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
        block.clear().limit(bytes);
        int got = readAt(channel, block, dataStart + framesRead * format.bytesPerFrame());
        if (got < bytes) throw bad(path, "file ended inside the audio data at frame " + (framesRead + got / format.bytesPerFrame()));
        block.flip();
        for (int f = 0; f < frames; f++) {
            for (int c = 0; c < channels; c++) {
                float v = sample(block, format);
                if (!Float.isFinite(v)) {
                    throw bad(path, "sample " + (framesRead + f) + " of channel " + c + " is " + v + " (expected a finite value)");
                }
                out[c][offset + f] = v;
            }
        }
        framesRead += frames;
        return frames;
    }

    /** The next sample of {@code block} in [-1, 1], decoded as {@code format} says. */
    static float sample(ByteBuffer block, WavFormat format) {
        if (format.encoding() == WavFormat.Encoding.MU_LAW) return muLaw(block.get()) / 32768f;
        if (format.encoding() == WavFormat.Encoding.A_LAW) return aLaw(block.get()) / 32768f;
        int bits = format.bitsPerSample();
        if (format.encoding() == WavFormat.Encoding.FLOAT) return bits == 32 ? block.getFloat() : (float) block.getDouble();
        return switch (bits) {
            case 8 -> ((block.get() & 0xff) - 128) / 128f;
            case 16 -> block.getShort() / 32768f;
            case 24 -> {
                int v = (block.get() & 0xff) | (block.get() & 0xff) << 8 | block.get() << 16;
                yield v / 8388608f;
            }
            default -> (float) (block.getInt() / 2147483648.0);
        };
    }

    /** G.711 mu-law to 16-bit linear (ITU-T G.711; the table sox and the JDK use). */
    static int muLaw(byte code) {
        int u = ~code & 0xff;
        int t = (((u & 0x0f) << 3) + 0x84) << ((u & 0x70) >> 4);
        return (u & 0x80) != 0 ? 0x84 - t : t - 0x84;
    }

    /** G.711 A-law to 16-bit linear. */
    static int aLaw(byte code) {
        int a = (code & 0xff) ^ 0x55;
        int t = (a & 0x0f) << 4;
        int segment = (a & 0x70) >> 4;
        t = segment == 0 ? t + 8 : segment == 1 ? t + 0x108 : (t + 0x108) << (segment - 1);
        return (a & 0x80) != 0 ? t : -t;
    }

    /** How to make one signal of several channels. */
    public sealed interface Channels {
        /** The mean of all channels. */
        record Mix() implements Channels {}

        /** One channel, by index. */
        record Pick(int index) implements Channels {}
    }

    /** The whole file as one signal in [-1, 1]; channels mixed down by averaging unless one is picked. */
    public static Audio read(Path path, Channels which) throws IOException {
        try (WavReader r = open(path)) {
            WavFormat f = r.format();
            if (which instanceof Channels.Pick pick && (pick.index() < 0 || pick.index() >= f.channels())) {
                throw new IllegalArgumentException("channel " + pick.index() + " does not exist; " + path + " has "
                        + f.channels());
            }
            if (f.frames() > Integer.MAX_VALUE - 8) {
                throw bad(path, "has " + f.frames() + " frames, too many to hold at once; read it in blocks with read()");
            }
            float[] mono = new float[(int) f.frames()];
            int block = Math.max(1, Math.min(BLOCK_FRAMES, BLOCK_SAMPLES / f.channels()));
            float[][] buf = new float[f.channels()][block];
            int at = 0;
            for (int n; (n = r.read(buf, 0, block)) > 0; at += n) {
                for (int i = 0; i < n; i++) {
                    if (which instanceof Channels.Pick pick) {
                        mono[at + i] = buf[pick.index()][i];
                    } else {
                        float s = 0;
                        for (int c = 0; c < f.channels(); c++) s += buf[c][i];
                        mono[at + i] = s / f.channels();
                    }
                }
            }
            return new Audio(mono, f.sampleRate(), f);
        }
    }

    public static Audio read(Path path) throws IOException {
        return read(path, new Channels.Mix());
    }

    /**
     * A WAV file held in memory (an upload, a table's binary column), channels mixed down; errors name {@code origin}.
     * It goes through a temporary file, deleted after, so it meets every check a file on disk does.
     */
    public static Audio read(byte[] wav, String origin) throws IOException {
        Path tmp = Files.createTempFile("grukit-audio", ".wav");
        try {
            Files.write(tmp, wav);
            return read(tmp);
        } catch (IOException e) {
            throw new IOException(e.getMessage() == null ? origin : e.getMessage().replace(tmp.toString(), origin), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() == null ? origin : e.getMessage().replace(tmp.toString(), origin), e);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
