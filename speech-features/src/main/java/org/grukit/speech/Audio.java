package org.grukit.speech;

/** A mono signal with samples in [-1, 1], its sample rate, and the format it was read from (null if made). */
public record Audio(float[] samples, int sampleRate, WavFormat source) {
    public Audio {
        if (sampleRate <= 0) throw new IllegalArgumentException("sampleRate must be > 0, got " + sampleRate);
    }

    /** Refuses NaN or infinite samples, which would otherwise turn every feature of their frames into NaN. */
    static void requireFinite(float[] samples) {
        for (int i = 0; i < samples.length; i++) {
            if (!Float.isFinite(samples[i])) {
                throw new IllegalArgumentException("sample " + i + " is " + samples[i] + "; features need finite samples");
            }
        }
    }

    public double durationSeconds() {
        return (double) samples.length / sampleRate;
    }
}
