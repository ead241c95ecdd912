package io.weft.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.weft.agent.testing.RedisFixture;
import io.weft.it.support.AppJvm;
import io.weft.it.support.Paths;
import io.weft.it.support.TestApps;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The woven code reaches the agent from any class loader, and the agent's libraries never meet the application's. */
class ClassLoadersTest {

    @Test
    void cachesClassesOfAChildFirstLoaderThatCannotSeeTheSystemClassPath() throws Exception {
        Path app = TestApps.compile("childfirst/app", List.of("-g"));
        Path plugin = TestApps.compile("childfirst/plugin", List.of("-g"));
        try (AppJvm jvm = AppJvm.builder().classpath(app)
                .main("app.ChildFirstMain", plugin.toString(), Paths.annotationsJar().toString()).start()) {
            Map<String, String> checks = jvm.checks(Duration.ofSeconds(60));
            assertEquals("true", checks.get("loader.childFirst"));
            assertEquals("false", checks.get("systemSeesPlugin"));
            assertEquals("tea=30,tea=30", checks.get("price"));
            assertEquals("1", checks.get("runs"));
        }
    }

    @Test
    void anApplicationWithOlderJacksonCaffeineAndByteBuddyKeepsItsOwnVersions() throws Exception {
        List<Path> oldJars;
        try (Stream<Path> jars = Files.list(Paths.oldLibs())) {
            oldJars = jars.sorted().collect(Collectors.toList());
        }
        Path app = TestApps.compile("conflicts", List.of("-g"), oldJars.toArray(new Path[0]));
        Path[] classpath = Stream.concat(Stream.of(app, Paths.annotationsJar()), oldJars.stream()).toArray(Path[]::new);
        try (AppJvm jvm = AppJvm.builder().classpath(classpath).main("app.OldLibrariesMain").start()) {
            Map<String, String> checks = jvm.checks(Duration.ofSeconds(60));
            assertEquals("caffeine-2.8.1.jar:v", checks.get("app.caffeine"));
            assertEquals("jackson-databind-2.17.2.jar:{\"a\":1}", checks.get("app.jackson"));
            assertEquals("byte-buddy-1.12.19.jar:app.Generated", checks.get("app.bytebuddy"));
            assertEquals("{name=x, size=3},{name=x, size=3}", checks.get("config"));
            assertEquals("1", checks.get("runs"));
        }
    }

    /** SPEC §10: two web applications holding the same class and key template each get their own values. */
    @Test
    void twoApplicationLoadersWithTheSameClassAndKeysNeverGetEachOthersValues() throws Exception {
        Path webapp = TestApps.compile("webapps/webapp", List.of("-g"));
        Path app = TestApps.compile("webapps/app", List.of("-g"));
        try (AppJvm jvm = AppJvm.builder().classpath(app, Paths.annotationsJar())
                .main("app.TwoWebAppsMain", webapp.toString()).start()) {
            Map<String, String> checks = jvm.checks(Duration.ofSeconds(60));
            assertEquals("A:1,B:1,A:1,B:1", checks.get("val"), jvm.transcript());
            assertEquals("true,true", checks.get("valLoaders"), "each value is of its own application's class");
            assertEquals("A:1,B:1,B:1", checks.get("name"));
            assertEquals("2,2", checks.get("runs"), "each application loaded once and then hit its own entries");
            assertEquals("A:1,B:1,3,3", checks.get("afterUpdate"),
                    "an invalidation by key text evicts the key in every application's scope");
        }
    }

    /**
     * SPEC §10: an undeployed web application's loader is collected, after its values went through Redis (Jackson's
     * caches, the methods' value types) and its keys were read from property paths (method handles); its L1 values
     * (objects of its classes) are let go when they expire ({@code weft.l1.ttl}, 3 s here) even when no call comes.
     */
    @Test
    void anUndeployedApplicationsLoaderIsCollected() throws Exception {
        Path webapp = TestApps.compile("webapps/webapp", List.of("-g"));
        Path app = TestApps.compile("webapps/app", List.of("-g"));
        try (RedisFixture redis = RedisFixture.start();
                AppJvm jvm = AppJvm.builder().property("weft.l1.ttl", "3s").property("weft.redis.uri", redis.uri())
                        .property("weft.redis.timeout", "3s").property("weft.cache.tc:shelf.l1", "false")
                        .classpath(app, Paths.annotationsJar()).main("app.UndeployMain", webapp.toString()).start()) {
            Map<String, String> checks = jvm.checks(Duration.ofSeconds(90));
            assertEquals("true", checks.get("cached"), jvm.transcript());
            assertEquals("true", checks.get("fromRedis"), jvm.transcript());
            assertEquals("true", checks.get("collected"), jvm.transcript());
        }
    }
}
