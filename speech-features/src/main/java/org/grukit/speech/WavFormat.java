package org.grukit.speech;

/**
 * The format of a WAV file's audio: encoding (PCM integers or IEEE float), channels, sample rate, bits per
 * sample, and the number of frames (one sample per channel) the data holds.
 */
public record WavFormat(Encoding encoding, int channels, int sampleRate, int bitsPerSample, long frames) {
    /** The sample encodings grukit reads: PCM integers, IEEE float, and G.711's 8-bit mu-law and A-law. */
    public enum Encoding { PCM, FLOAT, MU_LAW, A_LAW }

    public int bytesPerFrame() {
        return channels * bitsPerSample / 8;
    }

    public double durationSeconds() {
        return (double) frames / sampleRate;
    }

    @Override
    public String toString() {
        String enc = switch (encoding) {
            case PCM -> "PCM " + bitsPerSample + "-bit";
            case FLOAT -> "IEEE float " + bitsPerSample + "-bit";
            case MU_LAW -> "mu-law 8-bit";
            case A_LAW -> "A-law 8-bit";
        };
        return enc + ", "
                + channels + (channels == 1 ? " channel, " : " channels, ") + sampleRate + " Hz, " + frames + " frames ("
                + String.format("%.3f", durationSeconds()) + " s)";
    }
}
