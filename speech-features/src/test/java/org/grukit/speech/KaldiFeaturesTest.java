package org.grukit.speech;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.grukit.core.Fixtures;
import org.grukit.core.Rng;
import org.grukit.core.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Both presets against torchaudio (tools/reference/make_speech_fixtures.py): real FSDD and yesno recordings at
 * 8 kHz, generated signals at 16 and 44.1 kHz. Kaldi fbank and MFCC (torchaudio.compliance.kaldi) under several
 * options, and torchaudio.transforms.MFCC within 1e-3 absolute; MelSpectrogram (HTK, and Slaney-scaled and
 * normalized) within 1e-3 relative.
 */
class KaldiFeaturesTest {
    static final double TOLERANCE = 1e-3;

    private static void compare(String what, Tensor expected, float[][] actual) {
        assertEquals(expected.dim(0), actual.length, what + ": frames");
        assertEquals(expected.dim(1), actual[0].length, what + ": coefficients");
        double worst = 0;
        for (int f = 0; f < actual.length; f++) {
            for (int c = 0; c < actual[f].length; c++) worst = Math.max(worst, Math.abs(expected.get(f, c) - actual[f][c]));
        }
        System.out.printf("parity %-48s max |diff| %.2e%n", what, worst);
        assertTrue(worst <= TOLERANCE, what + ": max |diff| " + worst + " > " + TOLERANCE);
    }

    private static void checkAll(String name, float[] samples, int rate) {
        Map<String, Tensor> f = Fixtures.load(name);
        float[] scaled = new float[samples.length];
        for (int i = 0; i < samples.length; i++) scaled[i] = samples[i] * 32768f;
        KaldiFeatures.Options d = KaldiFeatures.Options.defaults(rate);
        compare(name + " fbank", f.get("fbank"), KaldiFeatures.fbank(scaled, d));
        compare(name + " fbank energy hamming 40", f.get("fbank_energy_hamming_40"),
                KaldiFeatures.fbank(scaled, d.withUseEnergy(true).withWindow(KaldiFeatures.Window.HAMMING).withNumMelBins(40)));
        compare(name + " fbank no snip", f.get("fbank_no_snip"), KaldiFeatures.fbank(scaled, d.withSnipEdges(false)));
        compare(name + " mfcc", f.get("mfcc"), KaldiFeatures.mfcc(scaled, d));
        compare(name + " mfcc energy", f.get("mfcc_energy"), KaldiFeatures.mfcc(scaled, d.withUseEnergy(true)));
        // The torchaudio preset, on samples in [-1, 1].
        TorchaudioFeatures.Options t = TorchaudioFeatures.Options.defaults(rate);
        compareRelative(name + " torchaudio mel", f.get("ta_mel"), TorchaudioFeatures.melSpectrogram(samples, t));
        compareRelative(name + " torchaudio mel slaney 40", f.get("ta_mel_slaney_40"),
                TorchaudioFeatures.melSpectrogram(samples, t.withMels(40, TorchaudioFeatures.MelScale.SLANEY, true)));
        compare(name + " torchaudio mfcc", f.get("ta_mfcc"), TorchaudioFeatures.mfcc(samples, t));
    }

    /** Power values span decades: |a - e| <= 1e-3 * max(|e|, 1e-3), as a relative bound. */
    private static void compareRelative(String what, Tensor expected, float[][] actual) {
        assertEquals(expected.dim(0), actual.length, what + ": frames");
        double worst = 0;
        for (int f = 0; f < actual.length; f++) {
            for (int c = 0; c < actual[f].length; c++) {
                double e = expected.get(f, c);
                worst = Math.max(worst, Math.abs(e - actual[f][c]) / Math.max(Math.abs(e), 1e-3));
            }
        }
        System.out.printf("parity %-48s max rel   %.2e%n", what, worst);
        assertTrue(worst <= TOLERANCE, what + ": max relative diff " + worst + " > " + TOLERANCE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"fsdd/recordings/0_george_0.wav", "fsdd/recordings/7_jackson_12.wav",
            "yesno/waves_yesno/0_0_0_1_0_0_0_1.wav"})
    void realRecordingsMatchTorchaudio(String file) throws IOException {
        Path p = org.grukit.core.SharedData.file("speech/" + file);
        Audio a = WavReader.read(p);
        String base = file.substring(file.lastIndexOf('/') + 1).replace(".wav", "");
        checkAll("kaldi_" + (file.startsWith("fsdd") ? "fsdd_" : "yesno_") + base, a.samples(), a.sampleRate());
    }

    @ParameterizedTest
    @ValueSource(ints = {16000, 44100})
    void generatedSignalsMatchTorchaudio(int rate) {
        checkAll("kaldi_chirp_" + rate, Fixtures.load("kaldi_chirp_" + rate).get("samples").toArray(), rate);
    }

    @Test
    void fftMatchesADirectDft() {
        Rng rng = new Rng(3);
        for (int n : new int[] {2, 4, 6, 8, 14, 30, 256, 512, 1024, 3, 7, 15, 77, 100, 400, 551, 1102, 20, 60, 1000}) {
            double[] x = new double[n];
            int len = Math.max(1, n * 3 / 4); // zero padded
            for (int i = 0; i < len; i++) x[i] = rng.normal();
            double[] power = new double[n / 2 + 1];
            new Fft(n).powerSpectrum(power, x, 0, len);
            for (int k = 0; k <= n / 2; k++) {
                double re = 0, im = 0;
                for (int i = 0; i < len; i++) {
                    re += x[i] * Math.cos(2 * Math.PI * k * i / n);
                    im -= x[i] * Math.sin(2 * Math.PI * k * i / n);
                }
                assertEquals(re * re + im * im, power[k], 1e-8 * Math.max(1, re * re + im * im), "n=" + n + " bin " + k);
            }
        }
    }

    @Test
    void complexTransformsMatchADirectDftForEveryRadixAndBluestein() {
        Rng rng = new Rng(5);
        for (int n : new int[] {1, 2, 3, 4, 5, 8, 12, 45, 60, 64, 200, 7, 11, 49, 221}) {
            double[] re = new double[n], im = new double[n];
            for (int i = 0; i < n; i++) {
                re[i] = rng.normal();
                im[i] = rng.normal();
            }
            double[] yr = re.clone(), yi = im.clone();
            Fft.Complex.of(n).transform(yr, yi);
            for (int k = 0; k < n; k++) {
                double sr = 0, si = 0;
                for (int j = 0; j < n; j++) {
                    double c = Math.cos(2 * Math.PI * ((long) j * k % n) / n), s = -Math.sin(2 * Math.PI * ((long) j * k % n) / n);
                    sr += re[j] * c - im[j] * s;
                    si += re[j] * s + im[j] * c;
                }
                assertEquals(sr, yr[k], 1e-9 * Math.sqrt(n), "n=" + n + " re " + k);
                assertEquals(si, yi[k], 1e-9 * Math.sqrt(n), "n=" + n + " im " + k);
            }
        }
    }

    @Test
    void shortOrEmptySignalsGiveNoFramesAndBadOptionsAreNamed() {
        KaldiFeatures.Options d = KaldiFeatures.Options.defaults(8000);
        assertEquals(0, KaldiFeatures.mfcc(new float[100], d).length);
        assertEquals(0, KaldiFeatures.fbank(new float[0], d).length);
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> d.withNumMelBins(2));
        assertTrue(e.getMessage().contains("numMelBins must be in [3, 1024], got 2"), e.getMessage());
        // Upper limits: what a damaged model.json could ask for is refused before anything is allocated.
        e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> d.withNumMelBins(1_000_000_000));
        assertTrue(e.getMessage().contains("numMelBins must be in [3, 1024]"), e.getMessage());
        e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new FeaturePipeline(
                FeaturePipeline.Preset.KALDI_MFCC, 8000, d, null, 1_000_000_000, FeaturePipeline.Normalization.NONE, null));
        assertTrue(e.getMessage().contains("deltaWindow must be 0 or in [3, 101] frames"), e.getMessage());
        e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> TorchaudioFeatures.Options.defaults(16000).withMels(1 << 20, TorchaudioFeatures.MelScale.HTK, false));
        assertTrue(e.getMessage().contains("nMels must be in [1, 1024]"), e.getMessage());
        float[] nan = new float[16000];
        nan[1234] = Float.NaN;
        e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> KaldiFeatures.mfcc(nan, d));
        assertTrue(e.getMessage().contains("sample 1234 is NaN"), e.getMessage());
        nan[1234] = Float.POSITIVE_INFINITY;
        e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> TorchaudioFeatures.mfcc(nan, TorchaudioFeatures.Options.defaults(16000)));
        assertTrue(e.getMessage().contains("sample 1234 is Infinity"), e.getMessage());
    }
}
