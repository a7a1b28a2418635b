package org.grukit.examples.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.grukit.speech.Audio;
import org.grukit.speech.FeatureFiles;
import org.grukit.speech.KaldiFeatures;
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

    /** The options shared by mfcc and fbank, named as Kaldi's. */
    abstract static class Extract implements Callable<Integer> {
        @Option(names = "--preset", description = "Feature preset: kaldi (default: ${DEFAULT-VALUE}).", defaultValue = "kaldi")
        String preset;
        @Option(names = "--num-mel-bins", description = "Mel bins (default: ${DEFAULT-VALUE}).", defaultValue = "23")
        int numMelBins;
        @Option(names = "--frame-length", description = "Frame length in ms (default: ${DEFAULT-VALUE}).", defaultValue = "25")
        float frameLength;
        @Option(names = "--frame-shift", description = "Frame shift in ms (default: ${DEFAULT-VALUE}).", defaultValue = "10")
        float frameShift;
        @Option(names = "--low-freq", description = "Low cut-off in Hz (default: ${DEFAULT-VALUE}).", defaultValue = "20")
        float lowFreq;
        @Option(names = "--high-freq", description = "High cut-off in Hz; <= 0 counts back from Nyquist (default: ${DEFAULT-VALUE}).",
                defaultValue = "0")
        float highFreq;
        @Option(names = "--use-energy", description = "Add log energy (C0 replaced for mfcc).")
        boolean useEnergy;
        @Option(names = "--dither", description = "Gaussian dither scale, at 16-bit sample scale (default: ${DEFAULT-VALUE}).",
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

        abstract float[][] compute(float[] scaled, KaldiFeatures.Options o);

        int numCeps() {
            return 13;
        }

        @Override
        public Integer call() throws Exception {
            if (!preset.equals("kaldi")) throw new CommandLine.ParameterException(new CommandLine(this),
                    "unknown preset '" + preset + "'; available: kaldi");
            if (!format.equals("csv") && !format.equals("npy")) {
                throw new CommandLine.ParameterException(new CommandLine(this), "--format must be csv or npy, got " + format);
            }
            boolean many = inputs.size() > 1;
            if (many) Files.createDirectories(output);
            for (Path in : inputs) {
                Audio a = WavReader.read(in);
                if (sampleFrequency != null && sampleFrequency != a.sampleRate()) {
                    a = new Audio(new org.grukit.speech.Resampler(a.sampleRate(), sampleFrequency).apply(a.samples()),
                            sampleFrequency, a.source());
                }
                KaldiFeatures.Options d = KaldiFeatures.Options.defaults(a.sampleRate());
                KaldiFeatures.Options o = new KaldiFeatures.Options(a.sampleRate(), frameLength, frameShift, dither,
                        d.preemphasisCoefficient(), d.removeDcOffset(), d.windowType(), d.blackmanCoeff(),
                        d.roundToPowerOfTwo(), d.snipEdges(), numMelBins, lowFreq, highFreq, useEnergy, d.rawEnergy(),
                        d.energyFloor(), Math.min(numCeps(), numMelBins), d.cepstralLifter(), d.htkCompat(), seed);
                float[] scaled = a.samples().clone();
                for (int i = 0; i < scaled.length; i++) scaled[i] *= 32768f; // Kaldi works at 16-bit integer scale
                float[][] feats = compute(scaled, o);
                String base = in.getFileName().toString().replaceFirst("\\.[^.]*$", "");
                Path out = many ? output.resolve(base + "." + format) : output;
                FeatureFiles.write(out, feats);
                System.err.println(in + " -> " + out + ": " + feats.length + " frames x " + (feats.length == 0 ? 0 : feats[0].length));
            }
            return 0;
        }
    }

    @Command(name = "mfcc", mixinStandardHelpOptions = true, description = "MFCCs (Kaldi's compute-mfcc-feats).")
    static final class Mfcc extends Extract {
        @Option(names = "--num-ceps", description = "Cepstra (default: ${DEFAULT-VALUE}).", defaultValue = "13")
        int numCeps;

        @Override
        int numCeps() {
            return numCeps;
        }

        @Override
        float[][] compute(float[] scaled, KaldiFeatures.Options o) {
            return KaldiFeatures.mfcc(scaled, o);
        }
    }

    @Command(name = "fbank", mixinStandardHelpOptions = true, description = "Log mel filterbanks (Kaldi's compute-fbank-feats).")
    static final class Fbank extends Extract {
        @Override
        float[][] compute(float[] scaled, KaldiFeatures.Options o) {
            return KaldiFeatures.fbank(scaled, o);
        }
    }
}
