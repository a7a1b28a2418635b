package org.grukit.examples.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.grukit.speech.Audio;
import org.grukit.speech.FeatureFiles;
import org.grukit.speech.KaldiFeatures;
import org.grukit.speech.TorchaudioFeatures;
import org.grukit.speech.WavReader;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code grukit features}: speech features from WAV files, with Kaldi's option names. */
@Command(name = "features", mixinStandardHelpOptions = true, description = "Speech features from WAV files.",
        subcommands = {FeaturesCommand.Info.class, FeaturesCommand.Mfcc.class, FeaturesCommand.Fbank.class})
final class FeaturesCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        new CommandLine(this).usage(System.out);
        return 0;
    }

    @Command(name = "info", mixinStandardHelpOptions = true, description = "Print a WAV file's format, rate and duration.")
    static final class Info implements Callable<Integer> {
        @Parameters(arity = "1..*", description = "WAV files.")
        List<Path> inputs;

        @Override
        public Integer call() throws Exception {
            for (Path p : inputs) {
                try (WavReader r = WavReader.open(p)) {
                    System.out.println(p + ": " + r.format());
                }
            }
            return 0;
        }
    }

    /**
     * The options shared by mfcc and fbank, named as Kaldi's. Unset options take the preset's defaults: Kaldi's
     * (23 mel bins, 13 cepstra, 25 ms frames every 10 ms, 20 Hz low cut-off) or torchaudio.transforms' (n_fft 400,
     * hop 200, 128 mels, 40 MFCCs, 0 Hz to Nyquist).
     */
    abstract static class Extract implements Callable<Integer> {
        @Option(names = "--preset", description = "kaldi (compute-mfcc-feats / compute-fbank-feats, samples at 16-bit scale) or "
                + "torchaudio (transforms.MFCC / MelSpectrogram, samples in [-1, 1]) (default: ${DEFAULT-VALUE}).",
                defaultValue = "kaldi")
        String preset;
        @Option(names = "--num-mel-bins", description = "Mel bins (kaldi 23, torchaudio 128).")
        Integer numMelBins;
        @Option(names = "--frame-length", description = "Frame length in ms (kaldi 25; torchaudio n_fft 400 samples).")
        Float frameLength;
        @Option(names = "--frame-shift", description = "Frame shift in ms (kaldi 10; torchaudio half the frame).")
        Float frameShift;
        @Option(names = "--low-freq", description = "Low cut-off in Hz (kaldi 20, torchaudio 0).")
        Float lowFreq;
        @Option(names = "--high-freq", description = "High cut-off in Hz; 0 is Nyquist, and for kaldi < 0 counts back from it "
                + "(default: ${DEFAULT-VALUE}).", defaultValue = "0")
        float highFreq;
        @Option(names = "--use-energy", description = "Add log energy (C0 replaced for mfcc); kaldi only.")
        boolean useEnergy;
        @Option(names = "--dither", description = "Gaussian dither scale, at 16-bit sample scale; kaldi only (default: ${DEFAULT-VALUE}).",
                defaultValue = "0")
        float dither;
        @Option(names = "--seed", description = "Seed of the dither noise (default: ${DEFAULT-VALUE}).", defaultValue = "0")
        long seed;
        @Option(names = "--sample-frequency", description = "Resample to this rate first (windowed sinc, as torchaudio).")
        Integer sampleFrequency;
        @Option(names = {"-o", "--output"}, required = true,
                description = "Output .csv or .npy for one input; a folder for several (one .csv each, or --format npy).")
        Path output;
        @Option(names = "--format", description = "csv or npy, for several inputs (default: ${DEFAULT-VALUE}).", defaultValue = "csv")
        String format;
        @Parameters(arity = "1..*", description = "WAV files.")
        List<Path> inputs;

        abstract float[][] kaldi(float[] scaled, KaldiFeatures.Options o);

        abstract float[][] torchaudio(float[] samples, TorchaudioFeatures.Options o);

        /** The number of cepstra asked for, or null for the preset's default. */
        Integer numCeps() {
            return null;
        }

        private CommandLine.ParameterException usage(String message) {
            return new CommandLine.ParameterException(new CommandLine(this), message);
        }

        @Override
        public Integer call() throws Exception {
            if (!preset.equals("kaldi") && !preset.equals("torchaudio")) {
                throw usage("unknown preset '" + preset + "'; available: kaldi, torchaudio");
            }
            if (preset.equals("torchaudio") && (useEnergy || dither != 0f)) {
                throw usage("--use-energy and --dither are Kaldi options; torchaudio's transforms have neither");
            }
            if (!format.equals("csv") && !format.equals("npy")) throw usage("--format must be csv or npy, got " + format);
            boolean many = inputs.size() > 1;
            if (many) Files.createDirectories(output);
            for (Path in : inputs) {
                Audio a = WavReader.read(in);
                if (sampleFrequency != null && sampleFrequency != a.sampleRate()) {
                    a = new Audio(new org.grukit.speech.Resampler(a.sampleRate(), sampleFrequency).apply(a.samples()),
                            sampleFrequency, a.source());
                }
                float[][] feats = preset.equals("kaldi") ? kaldi(a) : torchaudio(a);
                String base = in.getFileName().toString().replaceFirst("\\.[^.]*$", "");
                Path out = many ? output.resolve(base + "." + format) : output;
                FeatureFiles.write(out, feats);
                System.err.println(in + " -> " + out + ": " + feats.length + " frames x " + (feats.length == 0 ? 0 : feats[0].length));
            }
            return 0;
        }

        private float[][] kaldi(Audio a) {
            KaldiFeatures.Options d = KaldiFeatures.Options.defaults(a.sampleRate());
            int mels = numMelBins != null ? numMelBins : d.numMelBins();
            int ceps = numCeps() != null ? numCeps() : d.numCeps();
            KaldiFeatures.Options o = new KaldiFeatures.Options(a.sampleRate(), or(frameLength, d.frameLength()),
                    or(frameShift, d.frameShift()), dither, d.preemphasisCoefficient(), d.removeDcOffset(), d.windowType(),
                    d.blackmanCoeff(), d.roundToPowerOfTwo(), d.snipEdges(), mels, or(lowFreq, d.lowFreq()), highFreq,
                    useEnergy, d.rawEnergy(), d.energyFloor(), Math.min(ceps, mels), d.cepstralLifter(), d.htkCompat(), seed);
            float[] scaled = a.samples().clone();
            for (int i = 0; i < scaled.length; i++) scaled[i] *= 32768f; // Kaldi works at 16-bit integer scale
            return kaldi(scaled, o);
        }

        private float[][] torchaudio(Audio a) {
            int rate = a.sampleRate();
            TorchaudioFeatures.Options d = TorchaudioFeatures.Options.defaults(rate);
            int win = frameLength != null ? Math.round(frameLength * rate / 1000f) : d.winLength();
            int nFft = frameLength != null ? win : d.nFft(); // n_fft follows the frame, as the window fills it
            int hop = frameShift != null ? Math.round(frameShift * rate / 1000f) : Math.max(1, win / 2);
            if (highFreq < 0) throw usage("--high-freq < 0 counts back from Nyquist only in the kaldi preset");
            int mels = numMelBins != null ? numMelBins : d.nMels();
            int ceps = numCeps() != null ? numCeps() : d.nMfcc();
            TorchaudioFeatures.Options o = new TorchaudioFeatures.Options(rate, nFft, win, hop, or(lowFreq, d.fMin()), highFreq,
                    mels, d.power(), d.center(), d.melScale(), d.slaneyNorm(), Math.min(ceps, mels), d.topDb());
            return torchaudio(a.samples(), o);
        }

        private static float or(Float given, float fallback) {
            return given != null ? given : fallback;
        }
    }

    @Command(name = "mfcc", mixinStandardHelpOptions = true,
            description = "MFCCs (Kaldi's compute-mfcc-feats, or torchaudio.transforms.MFCC).")
    static final class Mfcc extends Extract {
        @Option(names = "--num-ceps", description = "Cepstra (kaldi 13, torchaudio 40).")
        Integer numCeps;

        @Override
        Integer numCeps() {
            return numCeps;
        }

        @Override
        float[][] kaldi(float[] scaled, KaldiFeatures.Options o) {
            return KaldiFeatures.mfcc(scaled, o);
        }

        @Override
        float[][] torchaudio(float[] samples, TorchaudioFeatures.Options o) {
            return TorchaudioFeatures.mfcc(samples, o);
        }
    }

    @Command(name = "fbank", mixinStandardHelpOptions = true,
            description = "Log mel filterbanks (Kaldi's compute-fbank-feats), or torchaudio.transforms.MelSpectrogram.")
    static final class Fbank extends Extract {
        @Override
        float[][] kaldi(float[] scaled, KaldiFeatures.Options o) {
            return KaldiFeatures.fbank(scaled, o);
        }

        @Override
        float[][] torchaudio(float[] samples, TorchaudioFeatures.Options o) {
            return TorchaudioFeatures.melSpectrogram(samples, o); // MelSpectrogram's power mel, as the preset defines
        }
    }
}
