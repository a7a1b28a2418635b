package org.grukit.speech;

import com.jcraft.jogg.Packet;
import com.jcraft.jogg.Page;
import com.jcraft.jogg.StreamState;
import com.jcraft.jogg.SyncState;
import com.jcraft.jorbis.Block;
import com.jcraft.jorbis.Comment;
import com.jcraft.jorbis.DspState;
import com.jcraft.jorbis.Info;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Reads a recording of any format grukit takes, found by its first bytes (not its name): WAV (PCM, float, mu-law,
 * A-law; {@link WavReader}), FLAC (jflac), MP3 (JLayer) and Ogg Vorbis (JOrbis). Channels are mixed down by averaging;
 * samples come out in [-1, 1]. A file that is none of these, or that breaks while decoding, is an {@link IOException}
 * naming the file and what was found. Compressed formats are decoded into memory as their frames come, never sized from
 * a header's claim.
 */
public final class AudioFiles {
    private AudioFiles() {}

    /** The formats, as found by their first bytes. */
    public enum Kind {
        WAV, FLAC, MP3, OGG_VORBIS;

        public String label() {
            return name().replace('_', ' ').toLowerCase(Locale.ROOT);
        }
    }

    /** The formats read, for messages. */
    static final String READ = "WAV (PCM, float, mu-law, A-law), FLAC, MP3 or Ogg Vorbis";

    /** The format the first bytes of a file say, or null when they are none grukit reads. */
    public static Kind detect(byte[] head, int length) {
        if (length >= 12 && head[0] == 'R' && head[1] == 'I' && head[2] == 'F' && head[3] == 'F' && head[8] == 'W' && head[9] == 'A'
                && head[10] == 'V' && head[11] == 'E') {
            return Kind.WAV;
        }
        if (length >= 4 && head[0] == 'f' && head[1] == 'L' && head[2] == 'a' && head[3] == 'C') return Kind.FLAC;
        if (length >= 4 && head[0] == 'O' && head[1] == 'g' && head[2] == 'g' && head[3] == 'S') return Kind.OGG_VORBIS;
        if (length >= 3 && head[0] == 'I' && head[1] == 'D' && head[2] == '3') return Kind.MP3; // an ID3v2 tag, then MPEG frames
        if (length >= 2 && (head[0] & 0xff) == 0xff && (head[1] & 0xe0) == 0xe0 && (head[1] & 0x06) != 0) return Kind.MP3; // a frame sync, layer set
        return null;
    }

    /** The recording in {@code path}, whatever its format. */
    public static Audio read(Path path) throws IOException {
        byte[] head = new byte[12];
        int n;
        try (InputStream in = Files.newInputStream(path)) {
            n = in.readNBytes(head, 0, head.length);
        }
        Kind kind = detect(head, n);
        if (kind == null) throw new IOException(path + ": not a recording grukit reads; expected " + READ + describe(head, n));
        if (kind == Kind.WAV) return WavReader.read(path);
        try (InputStream in = new BufferedInputStream(Files.newInputStream(path), 1 << 16)) {
            return decode(in, kind, path.toString());
        }
    }

    /** A recording held in memory (an upload, a table's binary column); errors name {@code origin}. */
    public static Audio read(byte[] bytes, String origin) throws IOException {
        Kind kind = detect(bytes, bytes.length);
        if (kind == null) throw new IOException(origin + ": not a recording grukit reads; expected " + READ + describe(bytes, bytes.length));
        if (kind == Kind.WAV) return WavReader.read(bytes, origin);
        return decode(new ByteArrayInputStream(bytes), kind, origin);
    }

    private static String describe(byte[] head, int n) {
        if (n == 0) return ", found an empty file";
        StringBuilder sb = new StringBuilder(", found a file starting ");
        for (int i = 0; i < Math.min(4, n); i++) sb.append(String.format("%02x", head[i] & 0xff));
        return sb.toString();
    }

    private static Audio decode(InputStream in, Kind kind, String origin) throws IOException {
        Samples out;
        try {
            out = switch (kind) {
                case FLAC -> flac(in);
                case MP3 -> mp3(in);
                case OGG_VORBIS -> vorbis(in);
                case WAV -> throw new IllegalStateException("WAV is read by WavReader");
            };
        } catch (Exception e) { // the decoders throw their own kinds, and runtime errors on broken data
            throw new IOException(origin + ": a broken " + kind.label() + " file: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
        }
        if (out.rate <= 0) throw new IOException(origin + ": a " + kind.label() + " file with no audio frames");
        if (out.rate < WavReader.MIN_RATE || out.rate > 10_000_000) {
            throw new IOException(origin + ": sample rate " + out.rate + " Hz is not audio grukit reads");
        }
        float[] mono = out.mono();
        Audio.requireFinite(mono);
        return new Audio(mono, out.rate, null);
    }

    /** Decoded frames, grown as they come, mixed to mono at each append. */
    private static final class Samples {
        float[] data = new float[1 << 16];
        int size;
        int rate = -1, channels = -1;

        void format(int rate, int channels, String what) {
            if (channels <= 0) throw new IllegalArgumentException(what + " declares " + channels + " channels");
            if (this.rate > 0 && (rate != this.rate || channels != this.channels)) {
                throw new IllegalArgumentException("the format changes inside the file (" + this.rate + " Hz, " + this.channels + " channels, then "
                        + rate + " Hz, " + channels + ")");
            }
            this.rate = rate;
            this.channels = channels;
        }

        void add(float v) {
            if (size == data.length) {
                if (size >= Integer.MAX_VALUE - 16) throw new IllegalArgumentException("more samples than one signal can hold");
                data = Arrays.copyOf(data, (int) Math.min(Integer.MAX_VALUE - 8L, 2L * size));
            }
            data[size++] = v;
        }

        float[] mono() {
            return Arrays.copyOf(data, size);
        }
    }

    private static Samples flac(InputStream in) throws IOException {
        Samples s = new Samples();
        org.jflac.FLACDecoder d = new org.jflac.FLACDecoder(in);
        int[] bits = {0};
        d.addPCMProcessor(new org.jflac.PCMProcessor() {
            @Override
            public void processStreamInfo(org.jflac.metadata.StreamInfo info) {
                s.format(info.getSampleRate(), info.getChannels(), "the FLAC stream");
                bits[0] = info.getBitsPerSample();
                if (bits[0] != 16 && bits[0] != 24) throw new IllegalArgumentException(bits[0] + "-bit FLAC samples are not supported (16 and 24 are)");
            }

            @Override
            public void processPCM(org.jflac.util.ByteData pcm) {
                byte[] b = pcm.getData();
                int bytes = bits[0] / 8, frame = bytes * s.channels;
                for (int at = 0; at + frame <= pcm.getLen(); at += frame) {
                    float sum = 0;
                    for (int c = 0; c < s.channels; c++) {
                        int o = at + c * bytes;
                        sum += bytes == 2 ? (short) ((b[o] & 0xff) | b[o + 1] << 8) / 32768f // little-endian, signed
                                : ((b[o] & 0xff) | (b[o + 1] & 0xff) << 8 | b[o + 2] << 16) / 8388608f;
                    }
                    s.add(sum / s.channels);
                }
            }
        });
        d.decode();
        if (s.rate < 0) throw new IllegalArgumentException("no STREAMINFO block");
        return s;
    }

    private static Samples mp3(InputStream in) throws Exception {
        Samples s = new Samples();
        javazoom.jl.decoder.Bitstream bs = new javazoom.jl.decoder.Bitstream(in);
        javazoom.jl.decoder.Decoder d = new javazoom.jl.decoder.Decoder();
        try {
            for (javazoom.jl.decoder.Header h; (h = bs.readFrame()) != null; bs.closeFrame()) {
                javazoom.jl.decoder.SampleBuffer out = (javazoom.jl.decoder.SampleBuffer) d.decodeFrame(h, bs);
                s.format(d.getOutputFrequency(), d.getOutputChannels(), "the MP3 stream");
                short[] buf = out.getBuffer();
                int ch = s.channels;
                for (int i = 0; i + ch <= out.getBufferLength(); i += ch) {
                    float sum = 0;
                    for (int c = 0; c < ch; c++) sum += buf[i + c] / 32768f;
                    s.add(sum / ch);
                }
            }
        } finally {
            bs.close();
        }
        return s;
    }

    /** JOrbis's decoding loop: Ogg pages to packets, the three Vorbis headers, then audio packets to PCM. */
    private static Samples vorbis(InputStream in) throws IOException {
        Samples s = new Samples();
        SyncState sync = new SyncState();
        StreamState stream = new StreamState();
        Page page = new Page();
        Packet packet = new Packet();
        Info info = new Info();
        Comment comment = new Comment();
        DspState dsp = new DspState();
        Block block = new Block(dsp);
        sync.init();
        int headers = 0;
        long lastGranule = -1;
        boolean eos = false, started = false;
        float[][][] pcm = new float[1][][];
        int[] index = new int[1];
        while (!eos) {
            int at = sync.buffer(4096);
            int n = in.read(sync.data, at, 4096);
            if (n < 0) break;
            sync.wrote(n);
            while (true) {
                int r = sync.pageout(page);
                if (r == 0) break;
                if (r < 0) {
                    if (headers < 3) throw new IllegalArgumentException("a corrupt Ogg page before the Vorbis headers");
                    continue; // a gap in the data: Vorbis resynchronises at the next page
                }
                if (!started) {
                    stream.init(page.serialno());
                    info.init();
                    comment.init();
                    started = true;
                }
                if (stream.pagein(page) < 0) throw new IllegalArgumentException("an Ogg page of another stream");
                while (true) {
                    int p = stream.packetout(packet);
                    if (p == 0) break;
                    if (p < 0) continue;
                    if (headers < 3) {
                        if (info.synthesis_headerin(comment, packet) < 0) {
                            throw new IllegalArgumentException("not a Vorbis stream (header packet " + (headers + 1) + " is not Vorbis)");
                        }
                        if (++headers == 3) {
                            s.format(info.rate, info.channels, "the Vorbis stream");
                            dsp.synthesis_init(info);
                            block.init(dsp);
                        }
                        continue;
                    }
                    if (block.synthesis(packet) == 0) dsp.synthesis_blockin(block);
                    for (int got; (got = dsp.synthesis_pcmout(pcm, index)) > 0; dsp.synthesis_read(got)) {
                        for (int i = 0; i < got; i++) {
                            float sum = 0;
                            for (int c = 0; c < info.channels; c++) sum += Math.max(-1f, Math.min(1f, pcm[0][c][index[c] + i]));
                            s.add(sum / info.channels);
                        }
                    }
                }
                if (page.granulepos() > 0) lastGranule = page.granulepos();
                if (page.eos() != 0) eos = true;
            }
        }
        if (headers < 3) throw new IllegalArgumentException(headers == 0 ? "no Vorbis stream in the Ogg file" : "the Vorbis headers are cut short");
        // The last page's granule position is the stream's length in samples: its final packet decodes a whole block,
        // whose tail past that position is padding.
        if (lastGranule > 0 && lastGranule < s.size) s.size = (int) lastGranule;
        return s;
    }
}
