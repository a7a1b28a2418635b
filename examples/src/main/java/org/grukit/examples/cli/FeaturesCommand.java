package org.grukit.examples.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.grukit.speech.FeatureFiles;
import org.grukit.speech.FeaturePipeline;
import org.grukit.speech.FeatureRequest;
import org.grukit.speech.AudioFiles;
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
     * The feature options of {@code grukit features} and {@code grukit spark features}, named as Kaldi's. Unset options
     * take the preset's defaults (see {@link FeatureRequest}).
     */
    static final class FeatureOptions {
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

        /** The request these options make for MFCCs ({@code numCeps} cepstra, null for the default) or filterbanks. */
        FeatureRequest request(boolean mfcc, Integer numCeps) {
            FeaturePipeline.Preset p = switch (preset) {
                case "kaldi" -> mfcc ? FeaturePipeline.Preset.KALDI_MFCC : FeaturePipeline.Preset.KALDI_FBANK;
                case "torchaudio" -> mfcc ? FeaturePipeline.Preset.TORCHAUDIO_MFCC : FeaturePipeline.Preset.TORCHAUDIO_MEL;
                default -> throw new IllegalArgumentException("unknown --preset '" + preset + "'; available: kaldi, torchaudio");
            };
            if (p == FeaturePipeline.Preset.TORCHAUDIO_MEL || p == FeaturePipeline.Preset.TORCHAUDIO_MFCC) {
                if (useEnergy || dither != 0f) throw new IllegalArgumentException("--use-energy and --dither are Kaldi options; torchaudio's transforms have neither");
                if (highFreq < 0) throw new IllegalArgumentException("--high-freq < 0 counts back from Nyquist only in the kaldi preset");
            }
            return new FeatureRequest(p, numMelBins, numCeps, frameLength, frameShift, lowFreq, highFreq, useEnergy, dither, seed, sampleFrequency);
        }
    }

    /** What mfcc and fbank share: the feature options, the WAV files in, and where the features go. */
    abstract static class Extract implements Callable<Integer> {
        @CommandLine.Mixin
        FeatureOptions options = new FeatureOptions();
        @Option(names = {"-o", "--output"}, required = true,
                description = "Output .csv or .npy for one input; a folder for several (one .csv each, or --format npy).")
        Path output;
        @Option(names = "--format", description = "csv or npy, for several inputs (default: ${DEFAULT-VALUE}).", defaultValue = "csv")
        String format;
        @Parameters(arity = "1..*", description = "WAV files.")
        List<Path> inputs;

        /** MFCCs rather than filterbanks. */
        abstract boolean mfcc();

        /** The number of cepstra asked for, or null for the preset's default. */
        Integer numCeps() {
            return null;
        }

        private CommandLine.ParameterException usage(String message) {
            return new CommandLine.ParameterException(new CommandLine(this), message);
        }

        @Override
        public Integer call() throws Exception {
            FeatureRequest request;
            try {
                request = options.request(mfcc(), numCeps());
            } catch (IllegalArgumentException e) {
                throw usage(e.getMessage());
            }
            if (!format.equals("csv") && !format.equals("npy")) throw usage("--format must be csv or npy, got " + format);
            boolean many = inputs.size() > 1;
            if (many) Files.createDirectories(output);
            for (Path in : inputs) {
                float[][] feats = request.compute(AudioFiles.read(in));
                String base = in.getFileName().toString().replaceFirst("\\.[^.]*$", "");
                Path out = many ? output.resolve(base + "." + format) : output;
                FeatureFiles.write(out, feats);
                System.err.println(in + " -> " + out + ": " + feats.length + " frames x " + (feats.length == 0 ? 0 : feats[0].length));
            }
            return 0;
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
        boolean mfcc() {
            return true;
        }
    }

    @Command(name = "fbank", mixinStandardHelpOptions = true,
            description = "Log mel filterbanks (Kaldi's compute-fbank-feats), or torchaudio.transforms.MelSpectrogram.")
    static final class Fbank extends Extract {
        @Override
        boolean mfcc() { // torchaudio: MelSpectrogram's power mel, as the preset defines
            return false;
        }
    }
}
