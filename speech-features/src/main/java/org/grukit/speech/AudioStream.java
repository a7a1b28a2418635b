package org.grukit.speech;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * Audio read a block at a time, mixed to one channel, for what may never end or never fit in memory: a WAV stream
 * or raw 16-bit PCM on a pipe (a WAV header's sizes may be 0 or wrong there, so the data runs to the end of the
 * stream), or a recording file of any length. Memory holds one block.
 */
public final class AudioStream implements Closeable {
    /** Frames read at a time from a stream. */
    private static final int BLOCK = 4096;

    private final InputStream in;
    private final WavFormat format; // the samples' encoding and channels
    private final String origin;
    private final WavReader file; // a WAV file read in blocks, or null
    private final float[] whole; // a compressed file decoded at once, or null
    private int wholeAt;
    private long frames;
    private boolean ended;

    private AudioStream(InputStream in, WavFormat format, String origin, WavReader file, float[] whole) {
        this.in = in;
        this.format = format;
        this.origin = origin;
        this.file = file;
        this.whole = whole;
    }

    /**
     * Audio on a stream: a WAV stream when it starts with RIFF....WAVE, otherwise raw signed 16-bit little-endian mono
     * PCM at {@code rawRate} (null when the caller knows none: then raw input is an error that says to give a rate).
     */
    public static AudioStream open(InputStream in, Integer rawRate, String origin) throws IOException {
        InputStream buffered = in.markSupported() ? in : new java.io.BufferedInputStream(in, 1 << 16);
        buffered.mark(12);
        byte[] head = buffered.readNBytes(12);
        buffered.reset();
        if (AudioFiles.detect(head, head.length) == AudioFiles.Kind.WAV) return wav(buffered, origin);
        if (AudioFiles.detect(head, head.length) != null) {
            throw new IOException(origin + ": " + AudioFiles.detect(head, head.length).label() + " cannot be read as a stream; send WAV or raw 16-bit PCM");
        }
        if (rawRate == null) throw new IOException(origin + ": not a WAV stream, and no sample rate was given for raw 16-bit PCM");
        if (rawRate < WavReader.MIN_RATE || rawRate > 384_000) {
            throw new IllegalArgumentException("the raw PCM sample rate must be in [" + WavReader.MIN_RATE + ", 384000] Hz, got " + rawRate);
        }
        return new AudioStream(buffered, new WavFormat(WavFormat.Encoding.PCM, 1, rawRate, 16, -1), origin, null, null);
    }

    /** A recording file: WAV read in blocks (memory bounded by a block, whatever its length); other formats decoded whole. */
    public static AudioStream of(Path path) throws IOException {
        byte[] head = new byte[12];
        int n;
        try (InputStream s = java.nio.file.Files.newInputStream(path)) {
            n = s.readNBytes(head, 0, head.length);
        }
        if (AudioFiles.detect(head, n) == AudioFiles.Kind.WAV) {
            WavReader r = WavReader.open(path);
            return new AudioStream(null, r.format(), path.toString(), r, null);
        }
        Audio a = AudioFiles.read(path);
        return new AudioStream(null, new WavFormat(WavFormat.Encoding.FLOAT, 1, a.sampleRate(), 32, a.samples().length), path.toString(), null, a.samples());
    }

    /** Samples already in memory, served a block at a time (a made-up recording, a test). */
    public static AudioStream of(float[] samples, int sampleRate) {
        return new AudioStream(null, new WavFormat(WavFormat.Encoding.FLOAT, 1, sampleRate, 32, samples.length), "samples", null, samples);
    }

    private static AudioStream wav(InputStream in, String origin) throws IOException {
        Path where = Path.of(origin.isEmpty() ? "stream" : origin.replace('/', '_'));
        readFully(in, 12, origin, "the RIFF header"); // RIFF, a size that a stream cannot know, WAVE: checked by open
        ByteBuffer fmt = null;
        while (true) {
            ByteBuffer chunk = ByteBuffer.wrap(readFully(in, 8, origin, fmt == null ? "the fmt chunk" : "the data chunk")).order(ByteOrder.LITTLE_ENDIAN);
            int id = chunk.getInt(0);
            long len = Integer.toUnsignedLong(chunk.getInt(4));
            if (id == 0x20746d66) { // "fmt "
                if (len < 16 || len > 4096) throw new IOException(origin + ": fmt chunk of " + len + " bytes is impossible (expected 16 to 4096)");
                fmt = ByteBuffer.wrap(readFully(in, (int) (len + (len & 1)), origin, "the fmt chunk")).order(ByteOrder.LITTLE_ENDIAN);
            } else if (id == 0x61746164) { // "data": its size is often a placeholder in a stream, so read to the end
                if (fmt == null) throw new IOException(origin + ": data chunk comes before any fmt chunk");
                return new AudioStream(in, WavReader.format(where, fmt, -1), origin, null, null);
            } else { // a LIST or other chunk before the data: skipped, at most 1 MB of it
                if (len > (1 << 20)) throw new IOException(origin + ": a chunk of " + len + " bytes before the audio data; expected fmt and data");
                readFully(in, (int) (len + (len & 1)), origin, "a chunk before the data");
            }
        }
    }

    private static byte[] readFully(InputStream in, int n, String origin, String what) throws IOException {
        byte[] b = in.readNBytes(n);
        if (b.length < n) throw new EOFException(origin + ": the stream ended inside " + what + " (" + b.length + " of " + n + " bytes)");
        return b;
    }

    public int sampleRate() {
        return format.sampleRate();
    }

    /** Frames (samples per channel) read so far. */
    public long frames() {
        return frames;
    }

    /** The next block of up to {@code max} samples, channels mixed by averaging; null at the end of the audio. */
    public float[] read(int max) throws IOException {
        if (max < 1) throw new IllegalArgumentException("max must be >= 1, got " + max);
        if (ended) return null;
        float[] out;
        if (whole != null) {
            int n = Math.min(max, whole.length - wholeAt);
            out = java.util.Arrays.copyOfRange(whole, wholeAt, wholeAt + n);
            wholeAt += n;
        } else if (file != null) {
            int channels = format.channels(), n = Math.min(max, BLOCK);
            float[][] buf = new float[channels][n];
            int got = file.read(buf, 0, n);
            out = mix(buf, got, channels);
        } else {
            int bpf = format.bytesPerFrame(), n = Math.min(max, BLOCK);
            byte[] bytes = in.readNBytes(n * bpf);
            int got = bytes.length / bpf; // a partial frame at the very end is dropped, as in a file
            ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            float[][] buf = new float[format.channels()][got];
            for (int f = 0; f < got; f++) {
                for (int c = 0; c < format.channels(); c++) {
                    float v = WavReader.sample(b, format);
                    if (!Float.isFinite(v)) throw new IOException(origin + ": sample " + (frames + f) + " of channel " + c + " is " + v + " (expected a finite value)");
                    buf[c][f] = v;
                }
            }
            out = mix(buf, got, format.channels());
        }
        if (out.length == 0) {
            ended = true;
            return null;
        }
        frames += out.length;
        return out;
    }

    private static float[] mix(float[][] buf, int n, int channels) {
        if (channels == 1) return buf[0].length == n ? buf[0] : java.util.Arrays.copyOf(buf[0], n);
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            float s = 0;
            for (int c = 0; c < channels; c++) s += buf[c][i];
            out[i] = s / channels;
        }
        return out;
    }

    @Override
    public void close() throws IOException {
        if (file != null) file.close();
        if (in != null) in.close();
    }
}
