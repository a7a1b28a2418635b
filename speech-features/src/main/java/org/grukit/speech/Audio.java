package org.grukit.speech;

/** A mono signal with samples in [-1, 1], its sample rate, and the format it was read from (null if made). */
public record Audio(float[] samples, int sampleRate, WavFormat source) {
    public Audio {
        if (sampleRate <= 0) throw new IllegalArgumentException("sampleRate must be > 0, got " + sampleRate);
    }

    public double durationSeconds() {
        return (double) samples.length / sampleRate;
    }
}
