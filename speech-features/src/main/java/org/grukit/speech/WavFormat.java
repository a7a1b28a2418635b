package org.grukit.speech;

/**
 * The format of a WAV file's audio: encoding (PCM integers or IEEE float), channels, sample rate, bits per
 * sample, and the number of frames (one sample per channel) the data holds.
 */
public record WavFormat(Encoding encoding, int channels, int sampleRate, int bitsPerSample, long frames) {
    /** The sample encodings grukit reads. */
    public enum Encoding { PCM, FLOAT }

    public int bytesPerFrame() {
        return channels * bitsPerSample / 8;
    }

    public double durationSeconds() {
        return (double) frames / sampleRate;
    }

    @Override
    public String toString() {
        return (encoding == Encoding.PCM ? "PCM " + bitsPerSample + "-bit" : "IEEE float " + bitsPerSample + "-bit") + ", "
                + channels + (channels == 1 ? " channel, " : " channels, ") + sampleRate + " Hz, " + frames + " frames ("
                + String.format("%.3f", durationSeconds()) + " s)";
    }
}
