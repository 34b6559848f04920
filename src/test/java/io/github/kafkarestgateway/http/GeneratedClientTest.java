package io.github.kafkarestgateway.http;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.kafkarestgateway.testing.Landed;
import io.github.kafkarestgateway.testing.TestGateway;
import io.github.kafkarestgateway.testing.TestKafka;
import org.junit.jupiter.api.Test;
import org.openapitools.codegen.CodegenConstants;
import org.openapitools.codegen.DefaultGenerator;
import org.openapitools.codegen.config.CodegenConfigurator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The contract as a client generator sees it: openapi-generator (java, library native, as a caller would run it, no
 * name mapped) makes a client from the document the gateway serves, javac compiles it with a caller's code that uses
 * it as it comes ({@code src/test/generated-client}), and that code produces over HTTPS through v1 and v2 to the
 * gateway the document names. Everything is made under {@code target/generated-client}.
 */
class GeneratedClientTest {

    private static final Path OUT = Path.of("target/generated-client");
    private static final Path CALLER = Path.of("src/test/generated-client/ProduceWithGeneratedClient.java");

    @Test
    void aJavaClientGeneratedFromTheServedDocumentCompilesAndProducesThroughV1AndV2() throws Exception {
        TestGateway gateway = TestGateway.shared();
        String topic = TestKafka.createTopic("generated-client");
        HttpResponse<String> served = gateway.send(gateway.request("/openapi.json").GET().build());
        assertEquals(200, served.statusCode(), served.body());
        clean(OUT);
        Path spec = Files.writeString(Files.createDirectories(OUT).resolve("openapi.json"), served.body());

        generate(spec, OUT.resolve("client"));
        Path classes = compile(OUT.resolve("client/src/main/java"), OUT.resolve("classes"));

        try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()},
                GeneratedClientTest.class.getClassLoader())) {
            @SuppressWarnings("unchecked")
            Function<Map<String, Object>, Map<String, String>> caller = (Function<Map<String, Object>, Map<String, String>>)
                    loader.loadClass("gatewayclient.ProduceWithGeneratedClient").getConstructor().newInstance();
            Map<String, String> answers = caller.apply(Map.of("topic", topic, "key", TestGateway.ALL_TOPICS_KEY,
                    "ssl", TestGateway.trustingTestCa()));

            // the base URL came from the served document: this gateway's address, not the source's localhost:9443
            assertEquals(gateway.uri("/").toString().replaceAll("/$", ""), answers.get("baseUri"));
            JsonNode v1 = TestGateway.JSON.readTree(answers.get("v1"));
            Landed.expect(topic, "from the generated client").key("customer-7").header("colour", "red")
                    .at(v1.get("metadata"));
            JsonNode v2 = TestGateway.JSON.readTree(answers.get("v2")).get("results");
            assertEquals(2, v2.size(), answers.get("v2"));
            Landed.expect(topic, "first of a v2 batch").at(v2.get(0).get("metadata"));
            Landed.expect(topic, "second of a v2 batch").key("k2").at(v2.get(1).get("metadata"));
        }
    }

    /** The client, without the tests and docs the generator would add (a caller may want them; the test does not). */
    private static void generate(Path spec, Path into) {
        CodegenConfigurator configurator = new CodegenConfigurator()
                .setInputSpec(spec.toString())
                .setGeneratorName("java")
                .setLibrary("native")
                .setOutputDir(into.toString())
                .setInvokerPackage("gatewayclient")
                .setApiPackage("gatewayclient.api")
                .setModelPackage("gatewayclient.model")
                .addAdditionalProperty("useJakartaEe", true);
        DefaultGenerator generator = new DefaultGenerator();
        generator.setGeneratorPropertyDefault(CodegenConstants.API_TESTS, "false");
        generator.setGeneratorPropertyDefault(CodegenConstants.MODEL_TESTS, "false");
        generator.setGeneratorPropertyDefault(CodegenConstants.API_DOCS, "false");
        generator.setGeneratorPropertyDefault(CodegenConstants.MODEL_DOCS, "false");
        List<java.io.File> files = generator.opts(configurator.toClientOptInput()).generate();
        assertTrue(files.stream().anyMatch(file -> file.getName().equals("DefaultApi.java")), "generated: " + files);
    }

    /** javac on the generated sources and the caller's code, against the test class path (Jackson, annotations). */
    private static Path compile(Path sources, Path into) throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(sources)) {
            walk.filter(file -> file.toString().endsWith(".java")).forEach(files::add);
        }
        files.add(CALLER);
        Files.createDirectories(into);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager fileManager = javac.getStandardFileManager(diagnostics, null,
                StandardCharsets.UTF_8)) {
            boolean compiled = javac.getTask(null, fileManager, diagnostics,
                    List.of("-d", into.toString(), "-classpath", System.getProperty("java.class.path"),
                            "-proc:none", "-nowarn", "-Xlint:none", "--release", "17"),
                    null, fileManager.getJavaFileObjectsFromPaths(files)).call();
            List<String> errors = diagnostics.getDiagnostics().stream()
                    .filter(d -> d.getKind() == Diagnostic.Kind.ERROR).map(d -> d.toString()).toList();
            assertTrue(compiled && errors.isEmpty(), "the generated client does not compile: " + errors);
        }
        return into;
    }

    private static void clean(Path directory) throws IOException {
        if (Files.exists(directory)) {
            try (Stream<Path> walk = Files.walk(directory)) {
                for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
    }
}
