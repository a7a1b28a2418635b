package org.grukit.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.grukit.core.Rng;
import org.grukit.nlp.forecast.Forecaster;
import org.grukit.nlp.sentiment.SentimentClassifier;
import org.grukit.nlp.speech.Transcriber;
import org.grukit.nlp.task.TinyData;
import org.grukit.nlp.translate.Translator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The page at {@code /} in a real headless browser (the system's chromium, driven by Selenium through chromedriver):
 * it types, clicks, uploads and records, and reads what the page shows against the models' own predictions. Skips
 * only where chromium or chromedriver is not installed ({@code .ci/run} installs both).
 */
class PageBrowserTest {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    @TempDir
    static Path dir;
    static WebDriver browser;
    static ModelServer server;
    static SentimentClassifier sentiment;
    static Translator translator;
    static Transcriber speech;
    static Forecaster forecaster;

    @BeforeAll
    static void start() throws IOException {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER), "chromium and chromedriver are not installed");
        sentiment = TinyModels.sentiment();
        translator = TinyModels.translator();
        speech = TinyModels.transcriber();
        forecaster = TinyModels.forecaster();
        Map<String, ModelServer.Model> models = new LinkedHashMap<>();
        models.put("reviews", ModelServer.Model.of(sentiment));
        models.put("de-en", ModelServer.Model.of(translator));
        models.put("yesno", ModelServer.Model.of(speech));
        models.put("monthly", ModelServer.Model.of(forecaster));
        server = ModelServer.start(models, ModelServer.Options.defaults().withPort(0));
        browser = chromium(dir.resolve("profile"));
    }

    /** Headless chromium as a root CI machine runs it, with a fake microphone, nothing fetched from the network. */
    static WebDriver chromium(Path profile) {
        ChromeOptions o = new ChromeOptions();
        o.setBinary(CHROMIUM.toFile());
        o.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--window-size=1200,1600",
                "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        return new ChromeDriver(service, o);
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) browser.quit();
        if (server != null) server.close();
        browser = null;
        server = null;
    }

    private static String page() {
        return "http://127.0.0.1:" + server.port() + "/";
    }

    private static WebElement card(String name) {
        return waiting(20)
                .until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("section.card[data-model='" + name + "']")));
    }

    /** The first element {@code css} finds in the card's result once the request is answered, or the page's error. */
    private static WebElement answer(WebElement card, String css) {
        return waiting(60).until(d -> {
            List<WebElement> error = card.findElements(By.cssSelector(".result .error"));
            if (!error.isEmpty()) throw new AssertionError("the page shows an error: " + error.get(0).getText());
            List<WebElement> found = card.findElements(By.cssSelector(".result " + css));
            return found.isEmpty() ? null : found.get(0);
        });
    }

    /** A wait that looks again when the page replaced an element between finding and reading it. */
    private static org.openqa.selenium.support.ui.FluentWait<WebDriver> waiting(int seconds) {
        return new WebDriverWait(browser, Duration.ofSeconds(seconds)).ignoring(org.openqa.selenium.StaleElementReferenceException.class);
    }

    private static void screenshot(String name) throws IOException {
        Path out = Path.of("target", "page-" + name + ".png");
        Files.createDirectories(out.getParent());
        Files.write(out, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }

    @Test
    void sentimentShowsTheLabelAndShadesTokensByAttention() throws IOException {
        browser.get(page());
        WebElement card = card("reviews");
        String text = "a great film with a lovely cast";
        card.findElement(By.cssSelector(".input")).sendKeys(text);
        card.findElement(By.cssSelector(".run")).click();
        WebElement label = answer(card, ".label");
        assertEquals(sentiment.predict(List.of(text)).get(0).label(), label.getText());
        Map<String, Object> details = sentiment.details(List.of(text)).get(0);
        List<WebElement> tokens = card.findElements(By.cssSelector(".tokens span"));
        assertEquals(details.get("tokens"), tokens.stream().map(WebElement::getText).toList());
        @SuppressWarnings("unchecked")
        List<Double> weights = (List<Double>) details.get("attention");
        for (int i = 0; i < tokens.size(); i++) assertEquals(weights.get(i), Double.parseDouble(tokens.get(i).getAttribute("data-weight")), 1e-6);
        assertTrue(tokens.stream().map(t -> t.getCssValue("background-color")).distinct().count() > 1, "tokens are shaded by weight");
        screenshot("sentiment");

        // An empty text: the server's 400, shown in the card.
        card.findElement(By.cssSelector(".input")).clear();
        card.findElement(By.cssSelector(".run")).click();
        WebElement error = waiting(20)
                .until(ExpectedConditions.visibilityOfNestedElementsLocatedBy(card, By.cssSelector(".result .error"))).get(0);
        assertTrue(error.getText().contains("the text is empty"), error.getText());
    }

    @Test
    void translationShowsTheTranslationAndItsAlignmentHeatmap() throws IOException {
        browser.get(page());
        WebElement card = card("de-en");
        String source = TinyData.pairs(1, new Rng(11)).get(0).source();
        card.findElement(By.cssSelector(".input")).sendKeys(source);
        card.findElement(By.cssSelector(".run")).click();
        WebElement translation = answer(card, ".translation");
        List<Translator.Translation> expected = translator.translate(List.of(source), Translator.DEFAULT_DECODE.withNBest(3)).get(0);
        assertEquals(expected.get(0).text(), translation.getText());
        Translator.Alignment a = translator.attention(source, Translator.DEFAULT_DECODE);
        List<WebElement> rows = card.findElements(By.cssSelector("table.heatmap tr"));
        assertEquals(a.targetTokens().size() + 1, rows.size(), "a header row, then one row per output token");
        assertEquals(a.sourceTokens().size(), card.findElements(By.cssSelector("table.heatmap th.col")).size());
        List<WebElement> first = rows.get(1).findElements(By.tagName("td"));
        for (int j = 0; j < first.size(); j++) assertEquals(a.weights()[0][j], Double.parseDouble(first.get(j).getAttribute("data-weight")), 1e-6);
        screenshot("translation");
    }

    @Test
    void speechTranscribesAnUploadedWavFileAndARecording() throws IOException {
        browser.get(page());
        WebElement card = card("yesno");
        byte[] wav = TinyModels.recording(3);
        Path file = Files.write(dir.resolve("said.wav"), wav);
        String expected = speech.predict(List.of(speech.input(wav))).get(0);
        card.findElement(By.cssSelector(".file")).sendKeys(file.toAbsolutePath().toString());
        card.findElement(By.cssSelector(".run")).click();
        assertEquals(expected.isEmpty() ? "(nothing heard)" : expected, answer(card, ".transcript").getText());

        // The browser's fake microphone (a beep): recorded, turned into a WAV file by the page, transcribed.
        card.findElement(By.cssSelector(".record")).click();
        waiting(10).until(d -> card.findElement(By.cssSelector(".record")).getText().equals("Stop"));
        try {
            Thread.sleep(1200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        card.findElement(By.cssSelector(".record")).click();
        waiting(60).until(d -> {
            List<WebElement> error = card.findElements(By.cssSelector(".result .error"));
            if (!error.isEmpty()) throw new AssertionError("recording failed: " + error.get(0).getText());
            return card.findElements(By.cssSelector(".result .muted")).stream().anyMatch(e -> e.getText().startsWith("recorded "));
        });
        assertFalse(card.findElement(By.cssSelector(".transcript")).getText().isEmpty());
        screenshot("speech");
    }

    @Test
    void forecastingPlotsThePastedSeriesAndItsForecast() throws IOException {
        browser.get(page());
        WebElement card = card("monthly");
        List<String> months = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        StringBuilder pasted = new StringBuilder();
        for (int i = 0; i < 24; i++) {
            months.add(java.time.LocalDate.of(2003, 1, 1).plusMonths(i).toString());
            values.add(Math.round((50 + 5 * Math.sin(i * 0.9)) * 1000) / 1000.0);
            pasted.append(months.get(i)).append(',').append(values.get(i)).append('\n');
        }
        card.findElement(By.cssSelector(".input")).sendKeys(pasted);
        card.findElement(By.cssSelector(".run")).click();
        answer(card, "svg.plot path.forecast");
        assertEquals(1, card.findElements(By.cssSelector("svg.plot path.band")).size(), "the quantile band");
        Forecaster.Forecast f = forecaster.predict(forecaster.input(Map.of("time", months, "value", values)));
        List<WebElement> cells = card.findElements(By.cssSelector("table.values td.point"));
        assertEquals(f.point().length, cells.size());
        for (int h = 0; h < cells.size(); h++) assertEquals(f.point()[h][0], Double.parseDouble(cells.get(h).getText()), 1e-3);
        screenshot("forecast");

        card.findElement(By.cssSelector(".input")).clear();
        card.findElement(By.cssSelector(".input")).sendKeys("1.5\nabc\n");
        card.findElement(By.cssSelector(".run")).click();
        WebElement error = waiting(20)
                .until(ExpectedConditions.visibilityOfNestedElementsLocatedBy(card, By.cssSelector(".result .error"))).get(0);
        assertTrue(error.getText().contains("line 2: 'abc' is not a number"), error.getText());
    }

    @Test
    void aServerWithAnApiKeyAsksForItThenWorks() throws Exception {
        try (ModelServer guarded = ModelServer.start(Map.of("reviews", ModelServer.Model.of(sentiment)),
                ModelServer.Options.defaults().withPort(0).withApiKey("letmein"))) {
            browser.get("http://127.0.0.1:" + guarded.port() + "/");
            WebElement key = new WebDriverWait(browser, Duration.ofSeconds(20)).until(ExpectedConditions.visibilityOfElementLocated(By.id("key-input")));
            assertTrue(browser.findElement(By.id("status")).getText().contains("API key"));
            key.sendKeys("letmein");
            browser.findElement(By.id("key-save")).click();
            WebElement card = card("reviews");
            card.findElement(By.cssSelector(".input")).sendKeys("dull");
            card.findElement(By.cssSelector(".run")).click();
            assertEquals(sentiment.predict(List.of("dull")).get(0).label(), answer(card, ".label").getText());
        }
    }
}
